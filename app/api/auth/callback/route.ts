import { withRoute } from '@/lib/api/route';
import { finishSignIn } from '@/lib/auth/flow';

export const dynamic = 'force-dynamic';

/** The redirect URI registered at the provider: completes the sign-in and sets the session cookie. */
export const GET = withRoute((request) => finishSignIn(request));
