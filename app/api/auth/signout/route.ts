import { withRoute } from '@/lib/api/route';
import { signOut } from '@/lib/auth/flow';

export const dynamic = 'force-dynamic';

/** Ends the session (JSON POST, like every action); answers where to send the browser next. */
export const POST = withRoute((request) => signOut(request));
