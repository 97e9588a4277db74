/** One piece of a diff: text kept, added in the newer text, or removed from the older. */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

// Words and the whitespace between them, so joining the parts of one side
// gives back that side's text exactly.
function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/**
 * Compares two texts word by word with a longest common subsequence and
 * returns the parts in reading order, removals before additions at each
 * change. Whitespace runs count as words, so line breaks show as changes too.
 * Texts over `maxTokens` words each are compared as wholes (one removal, one
 * addition), because the table grows with the product of their lengths.
 */
export function diffWords(older: string, newer: string, maxTokens = 4000): DiffPart[] {
  const a = tokens(older);
  const b = tokens(newer);
  if (a.length > maxTokens || b.length > maxTokens) {
    return merge([
      { kind: 'removed', text: older },
      { kind: 'added', text: newer },
    ]);
  }

  // lcs(i, j): length of the longest common subsequence of a[i:] and b[j:],
  // in one flat table of (a.length + 1) x (b.length + 1) entries.
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  const lcs = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i * width + j] = a[i] === b[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
    }
  }

  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const older = a[i] ?? '';
    const newer = b[j] ?? '';
    if (older === newer) {
      parts.push({ kind: 'same', text: older });
      i += 1;
      j += 1;
    } else if (lcs(i + 1, j) >= lcs(i, j + 1)) {
      parts.push({ kind: 'removed', text: older });
      i += 1;
    } else {
      parts.push({ kind: 'added', text: newer });
      j += 1;
    }
  }
  parts.push(...a.slice(i).map((text): DiffPart => ({ kind: 'removed', text })));
  parts.push(...b.slice(j).map((text): DiffPart => ({ kind: 'added', text })));
  return merge(parts);
}

// Joins neighbouring parts of the same kind and drops empty ones.
function merge(parts: DiffPart[]): DiffPart[] {
  const merged: DiffPart[] = [];
  for (const part of parts) {
    if (part.text === '') continue;
    const last = merged[merged.length - 1];
    if (last && last.kind === part.kind) last.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}
