// People for a browser story, made through the API: a clinician with TOTP
// enrolled and a patient, both signed in on API clients.
import { createUser, newEnrolledUser, signIn } from '../../api/support/users.mjs';

/**
 * Returns `{clinician, patient}`: the clinician as newEnrolledUser returns
 * it (`{user, client, secret}`) and the patient as `{user, client}`.
 */
export async function newClinicianAndPatient() {
  const clinician = await newEnrolledUser('clinician');
  const patientUser = createUser('patient');
  const patient = { user: patientUser, client: (await signIn(patientUser)).client };
  return { clinician, patient };
}
