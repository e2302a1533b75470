#!/usr/bin/env node
// Reads the outcome of a mutation run (cargo-mutants' output folder, StrykerJS's JSON
// report), prints each tool's score, and fails when a mutant survived that
// mutants/survivors.md does not list with the reason it is harmless.
//
//   node scripts/check-survivors.mjs <cargo-mutants output> <stryker json> <survivors.md>
//
// A mutant is named without line numbers, which change with every edit: for Rust
// `<file>: <what changed>` (cargo-mutants' description), for TypeScript `<file>:
// <mutator>: <original code> → <replacement>`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [rustOut, strykerJson, survivorsFile] = process.argv.slice(2);

function rustOutcomes() {
	const file = path.join(rustOut, 'outcomes.json');
	if (!existsSync(file)) return { caught: 0, missed: [], unviable: 0, timeout: 0, files: new Set() };
	const outcomes = JSON.parse(readFileSync(file, 'utf8'));
	const result = { caught: 0, missed: [], unviable: 0, timeout: 0, files: new Set() };
	for (const outcome of outcomes.outcomes) {
		const scenario = outcome.scenario;
		if (typeof scenario !== 'object' || !scenario.Mutant) continue;
		const mutant = scenario.Mutant;
		result.files.add(mutant.file);
		// "src/retry.rs:82:60: replace * with + in decide" without the line and column.
		const name = String(mutant.name).replace(/^([^:]+):\d+:\d+:/, '$1:');
		switch (outcome.summary) {
			case 'CaughtMutant':
				result.caught++;
				break;
			case 'MissedMutant':
				result.missed.push(name);
				break;
			case 'Unviable':
				result.unviable++;
				break;
			case 'Timeout':
				result.timeout++;
				break;
		}
	}
	return result;
}

function strykerOutcomes() {
	const result = { killed: 0, survived: [], noCoverage: [], timeout: 0, files: new Set() };
	if (!existsSync(strykerJson)) return result;
	const report = JSON.parse(readFileSync(strykerJson, 'utf8'));
	for (const [file, { mutants, source }] of Object.entries(report.files)) {
		result.files.add(file);
		const lines = source.split('\n');
		/** The code a mutant replaced (the report's lines and columns count from 1). */
		const original = ({ start, end }) => {
			const span = lines.slice(start.line - 1, end.line);
			span[span.length - 1] = span[span.length - 1].slice(0, end.column - 1);
			span[0] = span[0].slice(start.column - 1);
			return span.join('\n');
		};
		for (const mutant of mutants) {
			const flat = (text) => text.replace(/\s+/g, ' ').trim();
			const name = `${file}: ${mutant.mutatorName}: ${flat(original(mutant.location))} → ${flat(mutant.replacement)}`;
			if (mutant.status === 'Killed') result.killed++;
			else if (mutant.status === 'Timeout') result.timeout++;
			else if (mutant.status === 'Survived') result.survived.push(name);
			else if (mutant.status === 'NoCoverage') result.noCoverage.push(name);
		}
	}
	return result;
}

/** The first column of every table row in survivors.md, between backticks. */
function listed() {
	const names = new Set();
	for (const line of readFileSync(survivorsFile, 'utf8').split('\n')) {
		const match = /^\|\s*`(.+?)`\s*\|/.exec(line);
		// A `|` inside a table cell is written `\|`.
		if (match) names.add(match[1].replace(/\\\|/g, '|').replace(/\s+/g, ' '));
	}
	return names;
}

const rust = rustOutcomes();
const ts = strykerOutcomes();
const allowed = listed();
const rustTested = rust.caught + rust.missed.length + rust.timeout;
const tsTested = ts.killed + ts.timeout + ts.survived.length + ts.noCoverage.length;
const pct = (part, whole) => (whole === 0 ? 'n/a' : `${((part / whole) * 100).toFixed(1)}%`);
console.log('\n### Mutation scores');
console.log('| tool | mutants | killed (incl. timeouts) | survived | score |');
console.log('|---|---|---|---|---|');
console.log(`| cargo-mutants (Rust core) | ${rustTested} (+${rust.unviable} unviable) | ${rust.caught + rust.timeout} | ${rust.missed.length} | ${pct(rust.caught + rust.timeout, rustTested)} |`);
console.log(`| StrykerJS (TypeScript wrapper) | ${tsTested} | ${ts.killed + ts.timeout} | ${ts.survived.length + ts.noCoverage.length} | ${pct(ts.killed + ts.timeout, tsTested)} |`);

const survivors = [...rust.missed, ...ts.survived, ...ts.noCoverage];
const unlisted = survivors.filter((name) => !allowed.has(name.replace(/\s+/g, ' ')));
const inScope = (name) => rust.files.has(name.split(':')[0]) || ts.files.has(name.split(':')[0]);
const stale = [...allowed].filter((name) => inScope(name) && !survivors.some((s) => s.replace(/\s+/g, ' ') === name));
if (stale.length > 0) {
	console.log(`\n${stale.length} listed survivor(s) were killed this time; remove them from ${survivorsFile}:`);
	for (const name of stale) console.log(`  ${name}`);
}
if (unlisted.length > 0) {
	console.log(`\n${unlisted.length} mutant(s) survived that ${survivorsFile} does not list. Kill each with a test, or list it with why it is harmless:`);
	for (const name of unlisted) console.log(`  | \`${name}\` | |`);
	process.exit(1);
}
console.log(`\nEvery survivor is listed in ${survivorsFile} (${survivors.length}).`);
