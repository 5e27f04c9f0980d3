/** secretScrubber: what is cut out of error text, and what is left as it is. */
import t from 'tap';
import { REDACTED } from '../../src/log/redact.js';
import { secretScrubber } from '../../src/log/secret-text.js';

const LONG = 'sk_live_7fQ2mZ9xVb3nT8wL';
const R = REDACTED;

const cases: { name: string; secrets: string[]; text: string; want: string }[] = [
  { name: 'a long secret quoted whole', secrets: [LONG], text: `key set to '${LONG}' already declared`, want: `key set to '${R}' already declared` },
  { name: 'every occurrence', secrets: [LONG], text: `${LONG} and ${LONG}`, want: `${R} and ${R}` },
  {
    name: 'a window of it (JSON.parse quotes 10 characters)',
    secrets: [LONG],
    text: `Unexpected token 'x', ..."d":x${LONG.slice(3, 13)}"... is not valid JSON`,
    want: `Unexpected token 'x', ..."d":x${R}"... is not valid JSON`,
  },
  { name: 'a piece split off before checking (name:value)', secrets: [`apikey:${LONG}`], text: `value '${LONG}$(x)'`, want: `value '${R}$(x)'` },
  { name: 'glued to other text, 8 characters or more still go', secrets: [LONG], text: `owner/${LONG}x`, want: `owner/${R}x` },
  { name: 'fewer than 8 characters of a long secret stay (the limit)', secrets: [LONG], text: 'starts sk_live and ends 3nT8wL', want: 'starts sk_live and ends 3nT8wL' },
  { name: 'a short secret standing alone', secrets: ['k9z'], text: `key set to 'k9z' (k9z)`, want: `key set to '${R}' (${R})` },
  { name: 'a short secret inside a word stays', secrets: ['k9z'], text: 'ak9z k9za', want: 'ak9z k9za' },
  { name: 'a one-letter secret does not shred the message', secrets: ['a'], text: "expected a string, got 'a'", want: `expected ${R} string, got '${R}'` },
  { name: 'a short secret whose edges are not letters', secrets: ['-x-'], text: 'a-x-b', want: `a${R}b` },
  { name: 'overlapping secrets become one marker', secrets: [LONG, `${LONG.slice(10)}TAIL1234`], text: `${LONG}TAIL1234!`, want: `${R}!` },
  { name: 'nothing to cut', secrets: [], text: 'plain text', want: 'plain text' },
  { name: 'empty secrets are ignored', secrets: [''], text: 'plain text', want: 'plain text' },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.equal(secretScrubber(c.secrets)(c.text), c.want);
  });
}

t.test('the scrubber is reusable and keeps text without secrets identical', async (t) => {
  const scrub = secretScrubber([LONG]);
  const text = 'no secret here';
  t.equal(scrub(text), text);
  t.equal(scrub(`'${LONG}'`), `'${R}'`);
  t.equal(scrub(`'${LONG}'`), `'${R}'`, 'same answer twice');
});
