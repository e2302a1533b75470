// The TypeScript types of the wasm boundary (js-wrapper/bridge/types.d.ts) against the Rust
// types: every sample the Rust suite writes (tests/boundary_samples.rs: every variant, every
// optional field filled) must type-check as its TypeScript type, with excess-property
// checks, and every property the TypeScript types declare must occur in some sample.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import ts from 'typescript';

const samplesPath = path.resolve('target/boundary-samples.json');
const typesPath = path.resolve('js-wrapper/bridge/types');

/** The Rust suite's samples, written out as TypeScript declarations of their types, and compiled. */
function compileSamples() {
	assert.ok(existsSync(samplesPath), `${samplesPath} is missing: run cargo test --test boundary_samples first`);
	const samples = JSON.parse(readFileSync(samplesPath, 'utf8')) as Record<string, unknown[]>;
	const dir = mkdtempSync(path.join(tmpdir(), 'ig-boundary-'));
	const file = path.join(dir, 'samples.ts');
	const lines = [`import type * as B from ${JSON.stringify(typesPath)};`];
	const declared: Array<{ name: string; type: string }> = [];
	for (const [type, values] of Object.entries(samples)) {
		values.forEach((value, index) => {
			const name = `${type}_${index}`;
			declared.push({ name, type });
			lines.push(`export const ${name}: B.${type} = ${JSON.stringify(value, null, 1)};`);
		});
	}
	writeFileSync(file, lines.join('\n'));
	const program = ts.createProgram([file], {
		strict: true,
		noEmit: true,
		skipLibCheck: true,
		types: [],
		moduleResolution: ts.ModuleResolutionKind.Node10,
		baseUrl: process.cwd(),
		typeRoots: [path.resolve('node_modules/@types')],
	});
	const checker = program.getTypeChecker();
	const source = program.getSourceFile(file)!;
	return { samples, dir, declared, program, checker, source };
}

describe('boundary types agree with the Rust types', () => {
	// In a hook, not the suite's body: a missing samples file then fails every test (a throw
	// in the body of describe marks the suite failed but leaves the exit code 0).
	let compiled: ReturnType<typeof compileSamples>;
	before(() => {
		compiled = compileSamples();
	});
	after(() => {
		if (compiled) rmSync(compiled.dir, { recursive: true, force: true });
	});

	it('covers every boundary type', () => {
		assert.deepEqual(Object.keys(compiled.samples).sort(), [
			'AbandonReason',
			'Answer',
			'Catalog',
			'ErrorReport',
			'ExecutionInput',
			'PlannedRequest',
			'Plan',
			'RequestChunk',
			'TokenPlan',
			'TokenRefreshCall',
			'TokenRenewal',
			'Verdict',
		].sort());
	});

	it('type-checks every Rust sample as its TypeScript type, with no excess property', () => {
		const { program } = compiled;
		const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
			const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
			return `line ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
		});
		assert.deepEqual(diagnostics, []);
	});

	it('finds every property the TypeScript types declare in some Rust sample', () => {
		const { samples, declared, checker, source } = compiled;
		// For each object type reached from a sample's declared type, the property names the
		// samples used; then every declared property must have been used.
		const used = new Map<ts.Type, Set<string>>();
		const walk = (type: ts.Type, value: unknown): void => {
			if (value === null || typeof value !== 'object') return;
			if (type.isUnion()) {
				// The member the value fits: the one whose literal-typed properties match it.
				const member = type.types.find((candidate) => fits(candidate, value as Record<string, unknown>));
				if (member) walk(member, value);
				return;
			}
			if (Array.isArray(value)) {
				const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
				if (element) value.forEach((entry) => walk(element, entry));
				return;
			}
			const properties = checker.getPropertiesOfType(type);
			if (properties.length === 0) return; // an index signature such as IDataObject
			const seen = used.get(type) ?? new Set<string>();
			used.set(type, seen);
			for (const property of properties) {
				const child = (value as Record<string, unknown>)[property.name];
				if (child === undefined) continue;
				seen.add(property.name);
				walk(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, source)), child);
			}
		};
		const fits = (type: ts.Type, value: Record<string, unknown>): boolean =>
			checker.getPropertiesOfType(type).every((property) => {
				const propertyType = checker.getTypeOfSymbolAtLocation(property, source);
				if (!propertyType.isStringLiteral()) return true;
				return value[property.name] === propertyType.value;
			});
		for (const { name, type } of declared) {
			const symbol = checker.getSymbolsInScope(source, ts.SymbolFlags.Variable).find((s) => s.name === name)!;
			const declaredType = checker.getTypeOfSymbolAtLocation(symbol, source);
			const value = (samples[type] as unknown[])[Number(name.split('_').pop())];
			walk(declaredType, value);
		}
		const unused: string[] = [];
		for (const [type, seen] of used) {
			for (const property of checker.getPropertiesOfType(type)) {
				if (!seen.has(property.name)) unused.push(`${checker.typeToString(type)}.${property.name}`);
			}
		}
		assert.deepEqual(unused, [], 'declared in types.d.ts but never sent by the core');
	});
});
