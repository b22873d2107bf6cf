/** Shown while a page reads the store (the pages render on the server at each request). */
export default function Loading() {
  return (
    <p role="status" className="loading" data-testid="loading">
      Loading the board…
    </p>
  );
}
