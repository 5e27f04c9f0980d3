import { PDK_PHASES, type PdkFunctionName } from './phase-rules.js';
import { PHASES, type PhaseName } from './phases.js';

/**
 * README's phase tables, generated from the phase table and the PDK's phase rules (test/plugins/phases-doc
 * checks README holds exactly this): the phases, then which PDK functions each running phase allows, functions
 * of one namespace with the same phases on one row.
 */
export function phaseTablesMarkdown(): string {
  const lines = ['| phase | sluice runs it | plugins | when |', '|---|---|---|---|'];
  for (const p of PHASES) {
    lines.push(`| \`${p.name}\` | ${p.runs ? 'yes' : 'not yet (refused in serverless configs)'} | ${p.globalOnly ? 'global only' : 'all'} | ${p.when} |`);
  }
  const running = PHASES.filter((p) => p.runs).map((p) => p.name);
  lines.push('', `| PDK function | ${running.map((p) => `\`${p}\``).join(' | ')} |`, `|---|${running.map(() => ':-:').join('|')}|`);
  for (const row of rows(running)) {
    lines.push(`| ${row.label} | ${running.map((p) => (row.phases.includes(p) ? '✓' : '')).join(' | ')} |`);
  }
  return lines.join('\n');
}

interface Row {
  readonly label: string;
  readonly phases: readonly PhaseName[];
}

function rows(running: readonly PhaseName[]): Row[] {
  const groups = new Map<string, { ns: string; methods: string[]; phases: PhaseName[] }>();
  for (const name of Object.keys(PDK_PHASES) as PdkFunctionName[]) {
    const dot = name.lastIndexOf('.');
    const ns = name.slice(0, dot);
    const phases = (PDK_PHASES[name] as readonly PhaseName[]).filter((p) => running.includes(p));
    const key = `${ns}|${phases.join(',')}`;
    const g = groups.get(key) ?? { ns, methods: [], phases };
    g.methods.push(name.slice(dot + 1));
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ label: `\`${g.ns}\`: ${g.methods.join(', ')}`, phases: g.phases }));
}
