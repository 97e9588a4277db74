// Shared by the browser suites whose tests are ordered steps of one story:
// the step runner and the axe check.

import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { saveFailureScreenshots } from './browser.mjs';

/**
 * Returns `step(name, body)`, which declares a test that runs `body(t)` with
 * `timeout` milliseconds. Once a step fails, the later ones are skipped and
 * screenshots of `pages()` (an object of role -> page) are saved under
 * "`label` `name`".
 */
export function orderedSteps(label, pages, timeout) {
  let earlierStepFailed = false;
  return function step(name, body) {
    it(name, { timeout }, async (t) => {
      if (earlierStepFailed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await body(t);
      } catch (error) {
        earlierStepFailed = true;
        await saveFailureScreenshots(`${label} ${name}`.trim(), pages());
        throw error;
      }
    });
  };
}

function describeViolations(violations) {
  return violations
    .map((violation) => {
      const targets = violation.nodes.map((node) => node.target.join(' ')).join('; ');
      return `- ${violation.id} (${violation.impact}): ${violation.help}\n    elements: ${targets}\n    ${violation.helpUrl}`;
    })
    .join('\n');
}

/**
 * Runs axe with the WCAG 2 A and AA rules on `page` and fails naming each
 * violation. With a test context `t`, also reports how many rules passed.
 */
export async function checkAccessibility(page, pageName, t) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  t?.diagnostic(`axe on the ${pageName}: ${results.passes.length} rules passed, ${results.incomplete.length} need review`);
  assert.equal(
    results.violations.length,
    0,
    `axe found WCAG 2 A/AA violations on the ${pageName}:\n${describeViolations(results.violations)}`,
  );
}
