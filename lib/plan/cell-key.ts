/** The key of the infrastructure gate's cell; service cells are "<service>/<capability>". */
export const gateCellKey = (gateSlug: string) => `gate/${gateSlug}`;
export const serviceCellKey = (serviceSlug: string, capabilitySlug: string) => `${serviceSlug}/${capabilitySlug}`;
