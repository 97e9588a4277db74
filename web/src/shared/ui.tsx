import { useEffect, useId, useRef, type ReactNode } from 'react';
import { describeError } from '../api/client';

/**
 * The page's single h1. It takes focus when the page opens, so that a screen
 * reader announces the new page after a route change, and it keeps the
 * document title in step with the heading.
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  useEffect(() => {
    document.title = `${title} – Telehealth`;
  }, [title]);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}

/**
 * An error message that assistive technology announces as soon as it
 * appears. It takes keyboard focus whenever its text changes, so a keyboard
 * user continues from the problem.
 */
export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  const alert = useRef<HTMLDivElement>(null);
  const text = error === undefined || error === null ? undefined : typeof error === 'string' ? error : describeError(error);
  useEffect(() => {
    if (text !== undefined) alert.current?.focus();
  }, [text]);
  if (text === undefined) return null;
  return (
    <div ref={alert} className="alert alert-error" role="alert" tabIndex={-1} data-testid={testId}>
      {text}
    </div>
  );
}

/** A success message announced politely, without moving focus. */
export function StatusMessage({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="alert alert-success" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

/** Attributes that tie an input to its hint and error text. */
export interface FieldInputProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FormFieldProps {
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (inputProps: FieldInputProps) => ReactNode;
}

/**
 * A labelled form control with an optional hint and error. When `error` is
 * set, the input gets `aria-invalid="true"` and its `aria-describedby` points
 * at the error text shown under the input.
 */
export function FormField({ label, hint, error, children }: FormFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(' ');

  // The input comes straight after its label, with the hint and error under
  // it, so inputs in a row of a grid line up whatever the text below says.
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
    </div>
  );
}

/** A short line shown while data loads; announced politely. */
export function Loading({ children = 'Loading…' }: { children?: ReactNode }) {
  return (
    <p className="loading" role="status">
      {children}
    </p>
  );
}

/**
 * Moves focus to the first input marked invalid inside `container`, after
 * React has rendered the error, so keyboard and screen reader users land on
 * the problem.
 */
export function focusFirstInvalid(container: HTMLElement | null): void {
  requestAnimationFrame(() => container?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** A form-level alert that points at the highlighted inputs. */
export function InvalidFieldsAlert({ count, action }: { count: number; action: string }) {
  if (count === 0) return null;
  return (
    <div className="alert alert-error" role="alert">
      Check the highlighted {count === 1 ? 'field' : 'fields'} and {action} again.
    </div>
  );
}
