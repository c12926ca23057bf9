/**
 * What a user or a registry reads about the project besides the code: package.json metadata, LICENSE, CHANGELOG.md,
 * SECURITY.md, and `engines`, which must ask for at least the Node every bundled library needs.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-dist.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface PackageJson {
  name: string;
  version: string;
  license: string;
  author: string;
  homepage: string;
  bugs: { url: string };
  repository: { type: string; url: string };
  engines: { node: string };
  devDependencies: Record<string, string>;
  dependencies?: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as PackageJson;
const REPOSITORY = 'https://github.com/gitlab-pat/gitlab-pat';

describe('package.json', () => {
  it('points at the GitHub repository for the source, the home page and issues', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
    expect(pkg.homepage).toBe(`${REPOSITORY}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
  });

  it('names an author and the MIT license, which LICENSE grants in full with that holder', () => {
    expect(pkg.license).toBe('MIT');
    expect(pkg.author).toBeTruthy();
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toMatch(new RegExp(`^Copyright \\(c\\) \\d{4} ${pkg.author}$`, 'm'));
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });
});

describe('engines', () => {
  /** Packages the bundler replaces with stubs (src/tsconfig.json `paths`, see src/bundle-stubs/): never shipped. */
  const stubbed = new Set(
    Object.keys(
      (
        ts.parseConfigFileTextToJson('src/tsconfig.json', read('src/tsconfig.json')).config as {
          compilerOptions: { paths: Record<string, string[]> };
        }
      ).compilerOptions.paths,
    ),
  );

  /** Packages the shipped code imports (type-only imports and the bundler's stubs aside), by package name. */
  function bundledRoots(): string[] {
    const names = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) visit(path);
        else if (path.endsWith('.ts')) {
          const text = readFileSync(path, 'utf8');
          // Static imports, and dynamic ones (libraries loaded only when an operation needs them).
          for (const match of text.matchAll(
            /^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^'.][^']*)'|\bimport\('([^'.][^']*)'\)/gm,
          )) {
            const specifier = match[1] ?? match[2] ?? '';
            if (specifier.startsWith('node:') || stubbed.has(specifier)) continue;
            const parts = specifier.split('/');
            names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''));
          }
        }
      }
    };
    visit(join(ROOT, 'src'));
    return [...names].sort();
  }

  /** Node's resolution: the nearest node_modules/<name> from `from` upwards. */
  function packageDir(name: string, from: string): string {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) throw new Error(`${name} is not installed (from ${from})`);
    }
  }

  /** Every package bundled into dist/, with the Node range it declares, dependencies included. */
  function bundledEngines(): Map<string, string | undefined> {
    const seen = new Map<string, string | undefined>();
    const walk = (name: string, from: string) => {
      if (stubbed.has(name)) return;
      const dir = packageDir(name, from);
      if (seen.has(dir)) return;
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        engines?: { node?: string };
        dependencies?: Record<string, string>;
      };
      seen.set(dir, manifest.engines?.node);
      for (const dependency of Object.keys(manifest.dependencies ?? {})) walk(dependency, dir);
    };
    for (const root of bundledRoots()) walk(root, ROOT);
    return seen;
  }

  it('finds the libraries the shipped code imports', () => {
    expect(bundledRoots()).toEqual(expect.arrayContaining(['@actions/core', 'p-limit']));
  });

  /**
   * Libraries whose declared Node range does not bind the bundle, each with the reason. The suite runs the bundle on
   * the oldest supported Node (CI's matrix), so a reason here is checked, not just believed.
   */
  const NOT_BINDING: Record<string, string> = {
    // jshttp's 3.x line declares Node 22 with its move to ESM only (for require(esm)); ncc inlines that ESM, and
    // the GitHub-secret tests parse GitHub's answers through it on Node 20.
    'node_modules/content-type': '>=22',
  };

  it('asks for at least the Node every bundled library declares it needs', () => {
    const floor = semver.minVersion(pkg.engines.node);
    expect(floor, pkg.engines.node).not.toBeNull();
    const tooOld: string[] = [];
    for (const [dir, range] of bundledEngines()) {
      if (NOT_BINDING[dir.slice(ROOT.length + 1)] === range) continue;
      const needs = range === undefined ? null : semver.minVersion(range);
      if (needs && floor && semver.lt(floor, needs))
        tooOld.push(`${dir.slice(ROOT.length + 1)} needs Node ${range}`);
    }
    expect(tooOld, `engines.node is ${pkg.engines.node}`).toEqual([]);
  });

  it('type-checks against the Node types of the oldest Node it supports', () => {
    const floor = semver.minVersion(pkg.engines.node);
    const types = semver.minVersion(pkg.devDependencies['@types/node'] ?? '');
    expect(types?.major).toBe(floor?.major);
  });
});

describe('CHANGELOG.md', () => {
  const changelog = read('CHANGELOG.md');
  const headings = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)];

  it('follows Keep a Changelog: an Unreleased section, then versions with their dates', () => {
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/');
    expect(headings[0]?.[1]).toBe('Unreleased');
    for (const [, version, rest] of headings.slice(1)) {
      expect(semver.valid(version), version).toBe(version);
      expect(rest, version).toMatch(/^ - \d{4}-\d{2}-\d{2}$/);
    }
  });

  it('links every section heading', () => {
    for (const [, name] of headings) expect(changelog).toMatch(new RegExp(`^\\[${name}\\]: https://`, 'm'));
  });
});

describe('SECURITY.md', () => {
  it("says how to report privately and links the README's safety promises", () => {
    const security = read('SECURITY.md');
    expect(security).toContain(`${REPOSITORY}/security/advisories/new`);
    expect(security).toContain('(README.md#safety-promises-and-recovery)');
    expect(read('README.md')).toMatch(/^## Safety promises and recovery$/m);
  });
});

describe('README.md', () => {
  it('names the GitHub repository in every use of the Action, at the major tag', () => {
    const readme = read('README.md');
    expect(readme).not.toContain('<owner>');
    // actions/checkout and the like are other actions: only this one's uses are checked.
    const uses = [...readme.matchAll(/^\s*-?\s*uses: (\S+)$/gm)]
      .map((match) => match[1])
      .filter((use) => !use?.startsWith('actions/'));
    expect(uses.length).toBeGreaterThanOrEqual(5);
    expect(new Set(uses)).toEqual(new Set(['gitlab-pat/gitlab-pat@v1']));
  });
});
