import t from 'tap';
import { Fifo } from '../../../src/plugins/queue/fifo.js';

// The invariant: entries leave in the order they came, none lost or repeated, whatever mix of pushes, batch
// takes and single drops, across the compactions of the consumed front.
t.test('order is kept across takes, drops and compactions', async (t) => {
  const f = new Fifo<number>();
  const model: number[] = [];
  let next = 0;
  let seed = 7;
  let wrong = 0;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (let step = 0; step < 20_000; step++) {
    const op = rand(10);
    if (op < 6) {
      f.push(next);
      model.push(next++);
    } else {
      const n = op === 9 ? 1 + rand(200) : 1;
      if (JSON.stringify(f.take(n)) !== JSON.stringify(model.splice(0, n))) wrong++;
    }
    if (f.length !== model.length) wrong++;
  }
  t.equal(wrong, 0, 'every take matched the model');
  t.same(f.take(model.length + 5), model.splice(0));
  t.equal(f.length, 0);
});

t.test('a full queue dropping its oldest entry each push stays bounded and in order', async (t) => {
  const f = new Fifo<number>();
  for (let i = 0; i < 10_000; i++) f.push(i);
  let wrong = 0;
  for (let i = 10_000; i < 60_000; i++) {
    if (f.take(1)[0] !== i - 10_000) wrong++;
    f.push(i);
  }
  t.equal(wrong, 0, 'each drop took the oldest');
  t.equal(f.length, 10_000);
  t.same(f.take(3), [50_000, 50_001, 50_002]);
  f.clear();
  t.equal(f.length, 0);
  t.same(f.take(1), []);
});
