import { Progress } from './progress';

const terminal = (isTTY: boolean) => {
  const written: string[] = [];
  const out = {
    isTTY,
    write: (text: string) => written.push(text),
  } as unknown as NodeJS.WriteStream;
  return { out, written };
};

describe('the progress bar', () => {
  it('draws on a terminal: share of the file read and lines planned', () => {
    const { out, written } = terminal(true);
    const progress = new Progress('planning lines.csv', out);
    progress.update(500, 1_000, 12_345);
    expect(written.join('')).toContain(
      'planning lines.csv [###############...............] 50% 12,345 lines',
    );
    progress.done();
    expect(written.at(-1)).toBe('\r\u001b[2K');
  });

  it('draws nothing when standard error is not a terminal', () => {
    const { out, written } = terminal(false);
    const progress = new Progress('planning lines.csv', out);
    progress.update(500, 1_000, 10);
    progress.done();
    expect(written).toEqual([]);
  });
});
