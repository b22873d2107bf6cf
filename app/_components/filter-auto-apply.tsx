'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * With JavaScript, the matrix filter applies as soon as a field changes (no Apply click), and the
 * URL carries only the fields that are set. Without JavaScript the form stays a plain GET form
 * with its Apply button (the page drops empty fields from that URL itself).
 */
export function FilterAutoApply({ formId }: { formId: string }) {
  const router = useRouter();
  useEffect(() => {
    const form = document.getElementById(formId);
    if (!(form instanceof HTMLFormElement)) return;
    form.dataset.live = 'true';
    const apply = () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form))
        if (typeof value === 'string' && value) params.append(name, value);
      const query = params.toString();
      router.push(query ? `/?${query}` : '/', { scroll: false });
    };
    form.addEventListener('change', apply);
    return () => {
      form.removeEventListener('change', apply);
      delete form.dataset.live;
    };
  }, [formId, router]);
  return null;
}
