/** Kong's ids for split route pieces (uuidv5, checked against Python's uuid.uuid5). */
import t from 'tap';
import { splitRouteId } from '../../src/router/split-id.js';

t.test('splitRouteId', async (t) => {
  t.equal(splitRouteId('abc', 1), '1c1971b6-282f-5801-bf25-bcc156774bc6');
  t.equal(splitRouteId('eeb325b8-afd4-5ba2-a113-c34eeb969c1d', 2), '0bc849f8-8757-5604-919e-60995fc43f91');
});
