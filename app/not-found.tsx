import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        No such page or service in this plan. <Link href="/">Back to the matrix</Link>.
      </p>
    </>
  );
}
