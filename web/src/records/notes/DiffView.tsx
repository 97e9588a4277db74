import type { DiffPart } from './textDiff';

/**
 * Shows a word diff as plain text. Added words are underlined and removed
 * words struck through (ins and del elements), each also announced as
 * "Added" or "Removed", so the change never depends on colour alone.
 */
export function DiffView({ parts, label }: { parts: DiffPart[]; label: string }) {
  return (
    <div className="diff" data-testid="note-diff">
      <p className="item-meta">Added text is underlined; removed text is struck through.</p>
      <div className="note-text diff-text" role="group" aria-label={label}>
        {parts.map((part, index) => {
          if (part.kind === 'added') {
            return (
              <ins key={index} data-testid="diff-added">
                <span className="visually-hidden">Added: </span>
                {part.text}
              </ins>
            );
          }
          if (part.kind === 'removed') {
            return (
              <del key={index} data-testid="diff-removed">
                <span className="visually-hidden">Removed: </span>
                {part.text}
              </del>
            );
          }
          return <span key={index}>{part.text}</span>;
        })}
      </div>
    </div>
  );
}
