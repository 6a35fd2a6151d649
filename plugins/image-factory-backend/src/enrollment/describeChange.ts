import { EnrollmentAction } from '@image-factory/plugin-image-factory-common';
import { stringify } from 'yaml';
import { ConfigList, IMAGE_LIST } from './configLists';

/** What a reviewer needs to judge a change request. */
export interface ChangeDescription {
  action: EnrollmentAction;
  imageName: string;
  requestedBy: string;
  reason?: string;
  /** The entry after the change (absent for unenroll). */
  entry?: Record<string, unknown>;
  /** The entry before the change (absent for enroll). */
  previous?: Record<string, unknown>;
  /** Config repository and path, for the closing line. */
  file: string;
  /** What is edited; images when absent. */
  list?: ConfigList;
  /** For an image's un-enroll: the images built FROM it. */
  dependents?: string[];
}

const VERBS: Record<EnrollmentAction, string> = {
  enroll: 'Enroll',
  unenroll: 'Un-enroll',
  change: 'Change',
};

function show(value: unknown): string {
  if (value === undefined || value === null) return '–';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join(', ');
  }
  return String(value);
}

/** Markdown table cells must not break the table. */
function cell(value: unknown) {
  return show(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function changedFields(
  previous: Record<string, unknown>,
  entry: Record<string, unknown>,
) {
  const keys = new Set([...Object.keys(previous), ...Object.keys(entry)]);
  return [...keys].filter(
    k => JSON.stringify(previous[k]) !== JSON.stringify(entry[k]),
  );
}

/** The pull request's title, also the change request's summary. */
export function changeTitle(d: ChangeDescription): string {
  const verb = VERBS[d.action];
  const list = d.list ?? IMAGE_LIST;
  if (list.subject === 'wheel-set') return wheelSetTitle(d, verb);
  if (d.action === 'enroll' && d.entry) {
    return `${verb} image ${d.imageName} (${show(d.entry.type)}, owner ${show(
      d.entry.owner,
    )})`;
  }
  if (d.action === 'change' && d.previous && d.entry) {
    const fields = changedFields(d.previous, d.entry);
    const type =
      d.previous.type !== d.entry.type
        ? `: type ${show(d.previous.type)} → ${show(d.entry.type)}`
        : '';
    const rest = fields.filter(f => f !== 'type');
    const others =
      rest.length > 0 ? `${type ? ',' : ':'} ${rest.join(', ')}` : '';
    return `${verb} image ${d.imageName}${type}${others}`;
  }
  return `${verb} image ${d.imageName}`;
}

function wheelSetTitle(d: ChangeDescription, verb: string): string {
  if (d.action === 'enroll' && d.entry) {
    return `${verb} wheel set ${d.imageName} (owner ${show(d.entry.owner)})`;
  }
  if (d.action === 'change' && d.previous && d.entry) {
    return `${verb} wheel set ${d.imageName}: ${changedFields(
      d.previous,
      d.entry,
    ).join(', ')}`;
  }
  return `${verb} wheel set ${d.imageName}`;
}

const ROWS: Array<[string, string]> = [
  ['type', 'Type'],
  ['owner', 'Owner'],
  ['reference', 'Image reference'],
  ['platforms', 'Platforms'],
  ['source', 'Source'],
  ['buildArgs', 'Build args'],
  ['rebuild', 'Rebuild policy'],
  ['stages', 'Stages'],
  ['title', 'Title'],
  ['description', 'Description'],
  ['tags', 'Tags'],
];

const WHEEL_SET_ROWS: Array<[string, string]> = [
  ['owner', 'Owner'],
  ['requirements', 'Requirements'],
  ['requirementsFile', 'Requirements file'],
  ['targets', 'Targets'],
  ['builder', 'Builder'],
  ['upstream', 'Upstream index'],
  ['proxyUpstream', 'Proxy upstream'],
  ['timeout', 'Timeout per build'],
  ['hints', 'Hints'],
  ['title', 'Title'],
  ['description', 'Description'],
];

function what(d: ChangeDescription, list: ConfigList) {
  if (list.subject === 'wheel-set') {
    return {
      enroll: `adds the wheel set \`${d.imageName}\` to the refinery: once merged, it can be planned and built`,
      unenroll: `removes the wheel set \`${d.imageName}\` from the refinery. Wheels it built stay in the index`,
      change: `changes the wheel set \`${d.imageName}\`; the next run plans it as changed`,
    }[d.action];
  }
  return {
    enroll: `adds the image \`${d.imageName}\` to the Image Factory`,
    unenroll: `removes the image \`${d.imageName}\` from the Image Factory. Its catalog entity is archived with its history (builds, digests); enrolling it again restores it`,
    change: `changes the image \`${d.imageName}\`; its name, catalog entity and history stay`,
  }[d.action];
}

/** The pull request's body: what changes, who asked, why, and the entry. */
export function changeBody(d: ChangeDescription): string {
  const lines: string[] = [];
  const list = d.list ?? IMAGE_LIST;
  const rows = list.subject === 'wheel-set' ? WHEEL_SET_ROWS : ROWS;
  lines.push(`This pull request ${what(d, list)}.`, '');
  lines.push(`Requested by \`${d.requestedBy}\` from Backstage.`, '');
  if (d.reason) {
    lines.push(...d.reason.split(/\r?\n/).map(l => `> ${l}`), '');
  }
  if (d.dependents?.length) {
    lines.push(
      `**Built FROM it:** ${d.dependents
        .map(n => `\`${n}\``)
        .join(', ')}. They keep building FROM its last push of \`${show(
        d.previous?.reference,
      )}\`, which the factory then only watches and no longer rebuilds.`,
      '',
    );
  }
  const before = d.previous ?? {};
  const after = d.entry ?? {};
  if (d.action === 'change') {
    lines.push('| Field | Before | After |', '| --- | --- | --- |');
    for (const [key] of rows.filter(([k]) =>
      changedFields(before, after).includes(k),
    )) {
      lines.push(`| ${key} | ${cell(before[key])} | ${cell(after[key])} |`);
    }
  } else {
    const shown = d.action === 'enroll' ? after : before;
    lines.push('| Field | Value |', '| --- | --- |');
    for (const [key, label] of rows) {
      if (shown[key] !== undefined) {
        lines.push(`| ${label} | ${cell(shown[key])} |`);
      }
    }
  }
  if (d.entry) {
    lines.push(
      '',
      `<details><summary>The entry in ${list.file} after this change</summary>`,
      '',
      '```yaml',
      stringify(d.entry).trimEnd(),
      '```',
      '',
      '</details>',
    );
  }
  lines.push(
    '',
    `Merging approves the change: the factory reads \`${d.file}\` again when GitHub reports the merge, or at its next poll.`,
  );
  return `${lines.join('\n')}\n`;
}
