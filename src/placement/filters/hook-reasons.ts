// Interns free-text rejection reasons from hooks into small reason codes, per group.

export class ReasonTable {
  private readonly codes = new Map<string, number>();
  private readonly texts: string[] = [];

  /** Code (≥ 1) of a reason, allocated on first use. */
  code(reason: string): number {
    let c = this.codes.get(reason);
    if (c === undefined) {
      this.texts.push(reason);
      c = this.texts.length;
      this.codes.set(reason, c);
    }
    return c;
  }

  text(code: number): string {
    return this.texts[code - 1] ?? 'rejected';
  }
}
