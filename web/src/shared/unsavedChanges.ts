import { useCallback, useEffect, useState } from 'react';
import { useBlocker } from 'react-router-dom';

/** The question asked before an in-app navigation would drop unsaved text. */
export const UNSAVED_CHANGES_QUESTION = 'You have unsaved text in a note or prescription. Leave this page and lose it?';

/**
 * Warns before unsaved text is lost while `hasUnsavedChanges` is true: the
 * browser's own prompt on reload, tab close or an address typed in, and a
 * confirm dialog before an in-app navigation (links, Back, the Leave button).
 * A router supports one blocker at a time, so each page calls this once with
 * the combined state of its forms.
 */
export function useUnsavedChangesGuard(hasUnsavedChanges: boolean): void {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      hasUnsavedChanges && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(UNSAVED_CHANGES_QUESTION)) {
      blocker.proceed();
    } else {
      blocker.reset();
    }
  }, [blocker]);

  useEffect(() => {
    if (!hasUnsavedChanges) return;
    function warn(event: BeforeUnloadEvent) {
      // Browsers show their own text; preventDefault is what asks for the prompt.
      event.preventDefault();
      event.returnValue = '';
    }
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [hasUnsavedChanges]);
}

/**
 * Collects which forms of a page hold unsaved text. `report` is stable, so a
 * form can call it from an effect.
 */
export function useUnsavedForms(): { hasUnsavedChanges: boolean; report: (form: string, unsaved: boolean) => void } {
  const [unsavedForms, setUnsavedForms] = useState<Record<string, boolean>>({});
  const report = useCallback((form: string, unsaved: boolean) => {
    setUnsavedForms((previous) => (previous[form] === unsaved ? previous : { ...previous, [form]: unsaved }));
  }, []);
  return { hasUnsavedChanges: Object.values(unsavedForms).some(Boolean), report };
}
