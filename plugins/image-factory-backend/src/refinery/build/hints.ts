import {
  normalizeProjectName,
  type WheelSet,
} from '@image-factory/plugin-image-factory-common';
import type { BuildFailure } from './classifyBuildFailure';

/**
 * What a retry changes in the builder: Debian packages installed first,
 * environment variables, and `--config-settings` for the build backend.
 */
export interface BuildHints {
  debianPackages: string[];
  env: Record<string, string>;
  configSettings: Record<string, string>;
}

/** One entry of the hint catalog: when it applies, and what it adds. */
export interface HintRule {
  /** Applies to this project only (PEP 503 name); any project when absent. */
  project?: string;
  /** Applies to failures of this cause about this missing thing. */
  when?: { cause: BuildFailure['cause']; missing: string };
  debianPackages?: string[];
  env?: Record<string, string>;
  configSettings?: Record<string, string>;
}

/** No hints: the first attempt of a package without a rule of its own. */
export const NO_HINTS: BuildHints = {
  debianPackages: [],
  env: {},
  configSettings: {},
};

/**
 * The hints every factory starts with: the Debian development packages of
 * the headers, libraries and build modules that wheels most often miss.
 * Users add their own (per project or per pattern) before these.
 */
export const DEFAULT_HINT_RULES: HintRule[] = [
  ...(
    [
      ['ffi.h', 'libffi-dev'],
      ['yaml.h', 'libyaml-dev'],
      ['zlib.h', 'zlib1g-dev'],
      ['openssl/ssl.h', 'libssl-dev'],
      ['openssl/opensslv.h', 'libssl-dev'],
      ['jpeglib.h', 'libjpeg-dev'],
      ['png.h', 'libpng-dev'],
      ['libxml/xmlversion.h', 'libxml2-dev'],
      ['libxslt/xsltconfig.h', 'libxslt1-dev'],
      ['bzlib.h', 'libbz2-dev'],
      ['lzma.h', 'liblzma-dev'],
      ['sqlite3.h', 'libsqlite3-dev'],
      ['pg_config.h', 'libpq-dev'],
      ['mysql.h', 'default-libmysqlclient-dev'],
    ] as const
  ).map(([missing, pkg]) => ({
    when: { cause: 'missing-header' as const, missing },
    debianPackages: [pkg],
  })),
  ...(
    [
      ['ffi', 'libffi-dev'],
      ['ssl', 'libssl-dev'],
      ['crypto', 'libssl-dev'],
      ['z', 'zlib1g-dev'],
      ['yaml', 'libyaml-dev'],
      ['xml2', 'libxml2-dev'],
    ] as const
  ).map(([missing, pkg]) => ({
    when: { cause: 'missing-library' as const, missing },
    debianPackages: [pkg],
  })),
  ...(
    [
      ['Cython', 'cython3'],
      ['cffi', 'python3-cffi'],
      ['pkgconfig', 'python3-pkgconfig'],
      ['setuptools_scm', 'python3-setuptools-scm'],
      ['numpy', 'python3-numpy'],
      ['pybind11', 'pybind11-dev'],
    ] as const
  ).map(([missing, pkg]) => ({
    when: { cause: 'missing-build-dependency' as const, missing },
    debianPackages: [pkg],
  })),
];

function merge(a: BuildHints, rule: HintRule): BuildHints {
  return {
    debianPackages: [
      ...new Set([...a.debianPackages, ...(rule.debianPackages ?? [])]),
    ].sort(),
    env: { ...a.env, ...rule.env },
    configSettings: { ...a.configSettings, ...rule.configSettings },
  };
}

/** The hints a project always gets: its rules without a failure pattern. */
export function hintsFor(project: string, rules: HintRule[]): BuildHints {
  return rules
    .filter(r => !r.when && r.project === project)
    .reduce(merge, NO_HINTS);
}

/**
 * The hints for a retry after `failure`: those already applied plus every
 * rule that matches the project and the failure; undefined when no rule
 * adds anything, so that a deterministic failure is not retried as it was.
 */
export function hintsAfter(
  project: string,
  failure: BuildFailure,
  applied: BuildHints,
  rules: HintRule[],
): BuildHints | undefined {
  const matching = rules.filter(
    r =>
      r.when &&
      (!r.project || r.project === project) &&
      r.when.cause === failure.cause &&
      r.when.missing === failure.missing,
  );
  const next = matching.reduce(merge, applied);
  return JSON.stringify(next) === JSON.stringify(applied) ? undefined : next;
}

/** A stable text of hints, for cache keys and logs. */
export function describeHints(hints: BuildHints): string {
  const parts = [
    ...hints.debianPackages.map(p => `apt:${p}`),
    ...Object.entries(hints.env)
      .sort()
      .map(([k, v]) => `env:${k}=${v}`),
    ...Object.entries(hints.configSettings)
      .sort()
      .map(([k, v]) => `config:${k}=${v}`),
  ];
  return parts.join(' ') || 'none';
}

/** The `when` keys of wheels.yaml, as failure causes. */
const WHEN_CAUSES = {
  header: 'missing-header',
  library: 'missing-library',
  module: 'missing-build-dependency',
} as const;

/**
 * A wheel set's own hints (wheels.yaml) as catalog rules, before the
 * factory's defaults, so that a set can override what a default installs.
 */
export function hintRulesOf(set: Pick<WheelSet, 'hints'>): HintRule[] {
  const own = (set.hints ?? []).map(h => {
    const [key, missing] = Object.entries(h.when ?? {})[0] ?? [];
    return {
      ...(h.project ? { project: normalizeProjectName(h.project) } : {}),
      ...(key
        ? {
            when: {
              cause: WHEN_CAUSES[key as keyof typeof WHEN_CAUSES],
              missing: missing as string,
            },
          }
        : {}),
      debianPackages: h.debianPackages,
      env: h.env,
      configSettings: h.configSettings,
    };
  });
  return [...own, ...DEFAULT_HINT_RULES];
}
