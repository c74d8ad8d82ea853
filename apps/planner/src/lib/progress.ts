/**
 * A progress bar on a terminal's standard error, redrawn at most every 100 ms; nothing at all
 * when standard error is not a terminal (piped, in CI).
 */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  get enabled(): boolean {
    return this.out.isTTY === true;
  }

  update(done: number, total: number, lines: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    this.out.write(`\r${this.label} [${bar}] ${pct}% ${lines.toLocaleString('en')} lines`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.out.write('\r\u001b[2K');
    this.shown = false;
  }
}
