// Doses that no one can give: far below one dose step, or just off a whole
// multiple of it. The server compares dose / dose_step with its nearest whole
// number within an absolute tolerance of 1e-9, which a ratio near 0 passes.
// Each case must get 422 naming dose, and nothing may be written.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { assertError } from './support/client.mjs';
import { countRows } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient } from './support/users.mjs';

describe('prescription dose validation', () => {
  let clinician;
  let patient;
  let appointment;

  const prescriptionsPath = () => `/api/patients/${patient.user.id}/prescriptions`;

  before(async () => {
    clinician = await newClinician();
    patient = await newPatient();
    appointment = await bookAppointment(clinician, patient, 3);
  });

  // Each product has dose_step 1 (cream applications, capsules) or 0.5 (mL).
  const cases = [
    { label: 'cream 1e-12 applications', drug_code: '106258', dose: 1e-12, route: 'topical', frequency: 'twice_daily', duration_days: 7, quantity: 30 },
    { label: 'cream 1e-300 applications', drug_code: '106258', dose: 1e-300, route: 'topical', frequency: 'twice_daily', duration_days: 7, quantity: 30 },
    { label: 'capsule 0.9999999999', drug_code: '308182', dose: 0.9999999999, route: 'oral', frequency: 'three_times_daily', duration_days: 7, quantity: 21 },
    { label: 'solution 0.5000000001 mL', drug_code: '477045', dose: 0.5000000001, route: 'oral', frequency: 'once_daily', duration_days: 10, quantity: 5 },
  ];

  for (const { label, ...order } of cases) {
    test(`dose rejected: ${label}`, async () => {
      const countBefore = countRows('prescriptions', "patient_id = :'id'", { id: patient.user.id });
      const response = await clinician.client.post(prescriptionsPath(), {
        appointment_id: appointment.id,
        as_needed: false,
        repeats: 0,
        ...order,
      });

      assertError(response, 422, 'invalid_field', 'dose');
      const countAfter = countRows('prescriptions', "patient_id = :'id'", { id: patient.user.id });
      assert.equal(countAfter, countBefore, `a prescription was written for dose ${order.dose}`);
    });
  }
});
