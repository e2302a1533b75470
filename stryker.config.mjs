// StrykerJS on the wrapper's TypeScript, with the fast node suite (scripts/mutants.sh runs
// it), fastest files first: a mutant stops at its first failing test file. The tap runner starts `node` from PATH; the node suite needs n8n's own Node.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
	"packageManager": "npm",
	"testRunner": "tap",
	"tap": {
		"testFiles": [
			".tmp/build/tests/node/rateLimiter.test.js",
			".tmp/build/tests/node/trapRecovery.test.js",
			".tmp/build/tests/node/description.test.js",
			".tmp/build/tests/node/credential.test.js",
			".tmp/build/tests/node/badInputs.test.js",
			".tmp/build/tests/node/operations.test.js",
			".tmp/build/tests/node/sendMessage.test.js",
			".tmp/build/tests/node/sending.test.js"
		]
	},
	"coverageAnalysis": "perTest",
	"buildCommand": "bash scripts/build-wrapper.sh",
	"mutate": [
		"js-wrapper/**/*.ts",
		"!js-wrapper/**/*.d.ts",
		"!js-wrapper/bridge/generated/**",
		"!js-wrapper/nodes/Instagram/descriptions/**"
	],
	"ignorePatterns": [
		"target",
		"fuzz",
		".tmp",
		"dist",
		"reports",
		"docs",
		".stryker-tmp"
	],
	"reporters": [
		"clear-text",
		"progress",
		"json"
	],
	"jsonReporter": {
		"fileName": "reports/mutation/wrapper.json"
	},
	"timeoutMS": 5000,
	"timeoutFactor": 1.5,
	"concurrency": 2,
	"tempDirName": ".stryker-tmp",
	"cleanTempDir": "always"
};

export default config;
