import { finishSignIn } from '@/lib/auth/flow';

export const dynamic = 'force-dynamic';

/** The redirect URI registered at the provider: completes the sign-in and sets the session cookie. */
export const GET = (request: Request) => finishSignIn(request);
