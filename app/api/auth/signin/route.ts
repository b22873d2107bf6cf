import { withRoute } from '@/lib/api/route';
import { beginSignIn } from '@/lib/auth/flow';

export const dynamic = 'force-dynamic';

/** Starts an OpenID Connect sign-in (authorization code flow with PKCE); ?returnTo=/path comes back there. */
export const GET = withRoute((request) => beginSignIn(request));
