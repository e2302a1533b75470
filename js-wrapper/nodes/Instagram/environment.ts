// The one place this package reads the n8n process environment.
//
// The product requires N8N_META_UUID. n8n's Cloud lint rules forbid `process`, which is
// why the package is linted with the self-hosted rule set; every other Cloud rule is
// still checked (see eslint.config.mjs, which exempts this file alone). Which variables
// to read, and what makes a value valid, is decided by the core.

export function readEnvironment(names: readonly string[]): Record<string, string | undefined> {
	const values: Record<string, string | undefined> = {};
	for (const name of names) {
		values[name] = process.env[name];
	}
	return values;
}
