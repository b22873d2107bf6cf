import { hasRole } from '@/lib/auth/roles';
import { pageUser } from '@/lib/auth/viewer';
import { getStore } from '@/lib/db/store';
import { listChannels } from '@/lib/notify/channels';
import { pageRead } from '@/lib/server/page-read';
import { NotificationSettings } from '../../_components/notification-settings';
import { ReadFailure } from '../../_components/read-failure';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Notifications' };

/** Admin settings: where the board posts state changes, and a test message per channel. */
export default async function NotificationsPage() {
  const user = await pageUser();
  if (!hasRole(user, 'admin')) {
    return (
      <>
        <h1>Notifications</h1>
        <p role="alert" data-testid="notifications-refused">
          {user
            ? `Only admins manage notifications; you are signed in as ${user.name}.`
            : 'Only admins manage notifications. '}
          {user ? null : <a href="/signin?returnTo=/settings/notifications">Sign in</a>}
        </p>
      </>
    );
  }
  const read = await pageRead('the notification channels', async () => listChannels((await getStore()).db));
  if (!read.ok) return <ReadFailure {...read} retryHref="/settings/notifications" />;
  const channels = read.value;
  return (
    <>
      <h1>Notifications</h1>
      <p className="lede">
        The board posts to these webhooks when a cell regresses, a cell is verified, or the infrastructure gate turns
        red or green: each change once, whichever replica sees it. A verify-all run sends one digest per channel in
        digest mode. Webhook URLs are secrets: after saving, only their host is shown.
      </p>
      <NotificationSettings initialChannels={channels} />
    </>
  );
}
