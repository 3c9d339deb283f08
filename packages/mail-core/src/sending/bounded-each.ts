/** Runs `work(0)` … `work(count - 1)`, at most `width` at once, each started as soon as one ends. */
export async function forEachBounded(
  count: number,
  width: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}
