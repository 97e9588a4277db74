import { useEffect, useId, useState } from 'react';
import type { Encounter, NoteVersion } from '../../api/types';
import { formatDateTime } from '../../shared/time';
import { ErrorAlert, Loading } from '../../shared/ui';
import { DiffView } from './DiffView';
import { noteAsText, pickSections } from './noteText';
import { getVersion, listVersions } from './notesApi';
import { diffWords, type DiffPart } from './textDiff';

const KIND_LABELS: Record<NoteVersion['kind'], string> = {
  draft: 'Draft',
  signed: 'Signed',
  amendment: 'Amendment',
};

function versionLabel(version: NoteVersion): string {
  return `Version ${version.version}: ${KIND_LABELS[version.kind]}, ${version.author.display_name}, ${formatDateTime(version.created_at)}`;
}

// The whole note as it read at `version`: the version's own sections, or for
// an amendment the signed note followed by every amendment up to it.
async function textAt(patientId: string, note: Encounter, version: NoteVersion, signal: AbortSignal): Promise<string> {
  if (version.kind === 'amendment') {
    const amendments = note.amendments.filter((amendment) => amendment.version <= version.version);
    return noteAsText(pickSections(note), amendments);
  }
  const full = await getVersion(patientId, note.id, version.id, signal);
  return noteAsText(full.sections ?? pickSections(note));
}

/** Lists a note's versions and shows a word diff between any two of them. */
export function VersionsPanel({ patientId, note }: { patientId: string; note: Encounter }) {
  const [versions, setVersions] = useState<NoteVersion[] | undefined>(undefined);
  const [older, setOlder] = useState('');
  const [newer, setNewer] = useState('');
  const [diff, setDiff] = useState<DiffPart[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const olderId = useId();
  const newerId = useId();

  useEffect(() => {
    const controller = new AbortController();
    listVersions(patientId, note.id, controller.signal)
      .then((list) => {
        setVersions(list);
        setOlder(list[0]?.id ?? '');
        setNewer(list[list.length - 1]?.id ?? '');
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      });
    return () => controller.abort();
  }, [patientId, note.id, note.version]);

  useEffect(() => {
    const from = versions?.find((version) => version.id === older);
    const to = versions?.find((version) => version.id === newer);
    if (!from || !to) return undefined;
    const controller = new AbortController();
    setDiff(undefined);
    Promise.all([textAt(patientId, note, from, controller.signal), textAt(patientId, note, to, controller.signal)])
      .then(([fromText, toText]) => setDiff(diffWords(fromText, toText)))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      });
    return () => controller.abort();
  }, [patientId, note, versions, older, newer]);

  if (error) return <ErrorAlert error={error} testId="note-versions-error" />;
  if (!versions) return <Loading>Loading versions…</Loading>;

  return (
    <section className="versions" aria-label="Versions of this note" data-testid="note-versions">
      <ol className="version-list">
        {versions.map((version) => (
          <li key={version.id} data-testid="note-version" data-version={version.version} data-kind={version.kind}>
            {versionLabel(version)}
            {version.content_sha256 && <span className="hash"> SHA-256 {version.content_sha256}</span>}
          </li>
        ))}
      </ol>
      <div className="two-columns">
        <div className="field">
          <label htmlFor={olderId}>Compare version</label>
          <select id={olderId} value={older} onChange={(event) => setOlder(event.target.value)} data-testid="diff-from">
            {versions.map((version) => (
              <option key={version.id} value={version.id}>
                {versionLabel(version)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={newerId}>with version</label>
          <select id={newerId} value={newer} onChange={(event) => setNewer(event.target.value)} data-testid="diff-to">
            {versions.map((version) => (
              <option key={version.id} value={version.id}>
                {versionLabel(version)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {diff ? <DiffView parts={diff} label="Changes between the chosen versions" /> : <Loading>Comparing…</Loading>}
    </section>
  );
}
