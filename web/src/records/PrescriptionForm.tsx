import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { addPrescription, getFormulary } from '../api/endpoints';
import { ROUTES_OF_ADMINISTRATION, type FormularyProduct, type FrequencyOption, type Prescription } from '../api/types';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { ErrorAlert, FormField, InvalidFieldsAlert, Loading, StatusMessage, focusFirstInvalid } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { AppointmentField, initialAppointmentId, type AppointmentChoice } from './AppointmentField';
import {
  MAX_DURATION_DAYS,
  MAX_INSTRUCTIONS_CHARACTERS,
  MAX_REPEATS,
  PRESCRIPTION_FIELDS,
  checkPrescription,
  emptyPrescriptionDraft,
  hasPrescriptionInput,
  neededQuantity,
  prescriptionSummary,
  searchProducts,
  type PrescriptionDraft,
  type PrescriptionField,
} from './prescriptionForm';

interface PrescriptionFormProps {
  patientId: string;
  appointmentChoice: AppointmentChoice;
  onSaved?: (prescription: Prescription) => void;
  /** Called with true while any prescription input holds a value that is not saved. */
  onUnsavedChange?: (unsaved: boolean) => void;
}

/** Clinician form that issues a prescription for a formulary product. */
export function PrescriptionForm({ patientId, appointmentChoice, onSaved, onUnsavedChange }: PrescriptionFormProps) {
  const formulary = useResource((signal) => getFormulary(signal), []);
  const [draft, setDraft] = useState<PrescriptionDraft>(() =>
    emptyPrescriptionDraft(initialAppointmentId(appointmentChoice)),
  );
  const [search, setSearch] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<PrescriptionField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<Prescription | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  // Focus moves once the errors are rendered: a state update after an await
  // may render after the next animation frame, when the highlighted input
  // would not exist yet.
  useEffect(() => {
    if (focusRequest > 0) focusFirstInvalid(form.current);
  }, [focusRequest]);

  const unsaved = hasPrescriptionInput(draft);
  useEffect(() => {
    onUnsavedChange?.(unsaved);
  }, [unsaved, onUnsavedChange]);

  const products = formulary.data?.products ?? [];
  const frequencies = formulary.data?.frequencies ?? [];
  const product = products.find((candidate) => candidate.code === draft.drug_code);
  const matches = useMemo(() => {
    const found = searchProducts(products, search);
    // The chosen product stays listed, so the select never shows a value it lacks.
    return product && !found.includes(product) ? [product, ...found] : found;
  }, [products, search, product]);

  function update<Field extends PrescriptionField>(field: Field, value: PrescriptionDraft[Field]) {
    setDraft((previous) => ({ ...previous, [field]: value }));
  }

  function chooseProduct(code: string) {
    const chosen = products.find((candidate) => candidate.code === code);
    setDraft((previous) => ({
      ...previous,
      drug_code: code,
      // A product with one route gets it filled in; the clinician may change it.
      route: chosen && chosen.routes.length === 1 ? (chosen.routes[0] ?? '') : previous.route,
    }));
  }

  function showFieldErrors(errors: FieldErrors<PrescriptionField>) {
    setFieldErrors(errors);
    setFocusRequest((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    setSaved(undefined);
    const check = checkPrescription(draft);
    if (!check.ok) {
      showFieldErrors(check.errors);
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    try {
      const prescription = await addPrescription(patientId, check.request);
      setSaved(prescription);
      setDraft((previous) => emptyPrescriptionDraft(previous.appointment_id));
      setSearch('');
      onSaved?.(prescription);
    } catch (failure) {
      const split = splitApiError(failure, PRESCRIPTION_FIELDS);
      setFormError(split.formError);
      showFieldErrors(split.fieldErrors);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form ref={form} onSubmit={handleSubmit} noValidate aria-labelledby="prescription-form-heading" className="panel">
      <h2 id="prescription-form-heading">Add a prescription</h2>
      <InvalidFieldsAlert count={Object.keys(fieldErrors).length} action="save" />
      <ErrorAlert error={formError} testId="prescription-error" />
      <ErrorAlert error={formulary.error} testId="prescription-formulary-error" />
      {saved && <StatusMessage testId="prescription-saved">Prescription saved: {prescriptionSummary(saved)}.</StatusMessage>}
      <AppointmentField
        choice={appointmentChoice}
        value={draft.appointment_id}
        onChange={(value) => update('appointment_id', value)}
        error={fieldErrors.appointment_id}
        testId="prescription-appointment"
      />
      {formulary.loading && !formulary.data && <Loading>Loading the formulary…</Loading>}
      <FormField label="Search the formulary" hint="Type the start of a drug name, for example amox or salbutamol.">
        {(props) => (
          <input
            {...props}
            data-testid="prescription-drug-search"
            type="search"
            autoComplete="off"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        )}
      </FormField>
      <FormField label="Drug" hint={`${matches.length} of ${products.length} products match the search.`} error={fieldErrors.drug_code}>
        {(props) => (
          <select
            {...props}
            data-testid="prescription-drug"
            value={draft.drug_code}
            onChange={(event) => chooseProduct(event.target.value)}
          >
            <option value="">Choose a product</option>
            {matches.map((candidate) => (
              <option key={candidate.code} value={candidate.code}>
                {candidate.display}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {product && <ProductFacts product={product} />}
      <div className="form-grid">
        <FormField
          label={product ? `Dose (${product.dose_unit})` : 'Dose'}
          hint={product ? `A multiple of ${product.dose_step}, at most ${product.max_dose}.` : 'Choose a product first.'}
          error={fieldErrors.dose}
        >
          {(props) => (
            <input
              {...props}
              data-testid="prescription-dose"
              type="number"
              inputMode="decimal"
              min={0}
              step={product?.dose_step ?? 'any'}
              value={draft.dose}
              onChange={(event) => update('dose', event.target.value)}
            />
          )}
        </FormField>
        <FormField
          label="Route"
          hint={product ? `This product allows: ${product.routes.join(', ')}.` : undefined}
          error={fieldErrors.route}
        >
          {(props) => (
            <select {...props} data-testid="prescription-route" value={draft.route} onChange={(event) => update('route', event.target.value)}>
              <option value="">Choose a route</option>
              {ROUTES_OF_ADMINISTRATION.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Frequency" error={fieldErrors.frequency}>
          {(props) => (
            <select
              {...props}
              data-testid="prescription-frequency"
              value={draft.frequency}
              onChange={(event) => update('frequency', event.target.value)}
            >
              <option value="">Choose how often</option>
              {frequencies.map((frequency) => (
                <option key={frequency.code} value={frequency.code}>
                  {frequency.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <div className="field">
          <label className="checkbox-label">
            <input
              type="checkbox"
              data-testid="prescription-as-needed"
              checked={draft.as_needed}
              onChange={(event) => update('as_needed', event.target.checked)}
            />{' '}
            Only when needed (the frequency is the most often)
          </label>
        </div>
        <FormField label="Duration (days)" hint={`1 to ${MAX_DURATION_DAYS}.`} error={fieldErrors.duration_days}>
          {(props) => (
            <input
              {...props}
              data-testid="prescription-duration"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_DURATION_DAYS}
              step={1}
              value={draft.duration_days}
              onChange={(event) => update('duration_days', event.target.value)}
            />
          )}
        </FormField>
        <FormField
          label={product ? `Quantity (${product.supply_unit})` : 'Quantity'}
          hint={quantityHint(product, draft, frequencies)}
          error={fieldErrors.quantity}
        >
          {(props) => (
            <input
              {...props}
              data-testid="prescription-quantity"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={draft.quantity}
              onChange={(event) => update('quantity', event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Repeats" hint={`0 to ${MAX_REPEATS}.`} error={fieldErrors.repeats}>
          {(props) => (
            <input
              {...props}
              data-testid="prescription-repeats"
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_REPEATS}
              step={1}
              value={draft.repeats}
              onChange={(event) => update('repeats', event.target.value)}
            />
          )}
        </FormField>
      </div>
      <FormField
        label="Instructions for the patient (optional)"
        hint={`At most ${MAX_INSTRUCTIONS_CHARACTERS} characters. The patient can read them.`}
        error={fieldErrors.instructions}
      >
        {(props) => (
          <textarea
            {...props}
            data-testid="prescription-instructions"
            rows={3}
            value={draft.instructions}
            onChange={(event) => update('instructions', event.target.value)}
          />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="prescription-save" disabled={submitting || !formulary.data}>
        {submitting ? 'Saving…' : 'Save prescription'}
      </button>
    </form>
  );
}

function ProductFacts({ product }: { product: FormularyProduct }) {
  return (
    <dl className="facts" data-testid="prescription-product">
      <dt>Form</dt>
      <dd>{product.form}</dd>
      <dt>Strength</dt>
      <dd>{product.strength}</dd>
      <dt>Allowed routes</dt>
      <dd data-testid="prescription-product-routes">{product.routes.join(', ')}</dd>
      <dt>Dose counted in</dt>
      <dd>{product.dose_unit}</dd>
      <dt>Supplied in</dt>
      <dd>{product.supply_unit}</dd>
      <dt>RxNorm code</dt>
      <dd>{product.code}</dd>
    </dl>
  );
}

// The server's quantity rule, stated for the values typed so far.
function quantityHint(
  product: FormularyProduct | undefined,
  draft: PrescriptionDraft,
  frequencies: readonly FrequencyOption[],
): string | undefined {
  if (!product) return undefined;
  if (product.doses_per_supply_unit === null) {
    return `At most ${product.max_quantity} ${product.supply_unit} for this product.`;
  }
  const frequency = frequencies.find((candidate) => candidate.code === draft.frequency);
  const needed = frequency
    ? neededQuantity(product, Number(draft.dose), frequency, Number(draft.duration_days))
    : undefined;
  if (needed === undefined) return 'Set dose, frequency and duration to see the quantity they need.';
  return draft.as_needed
    ? `When needed: from 1 to ${needed} ${product.supply_unit}.`
    : `Dose × frequency × duration needs ${needed} ${product.supply_unit}; supply from ${needed} to ${2 * needed}.`;
}
