// StrykerJS on the wrapper's TypeScript, with the fast node suite (scripts/mutants.sh runs
// it), fastest files first: a mutant stops at its first failing test file. Every node-suite
// file that drives the wrapper is here (the trigger, the AI tool, the Send API and token
// files too). Left out: the imitation's own tests and the packaging test, which exercise no
// wrapper code, and the boundary-type test, which reads the Rust suite's samples from target/
// (not in Stryker's sandbox). The tap runner starts `node` from PATH; the node suite needs
// n8n's own Node.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
	"packageManager": "npm",
	"testRunner": "tap",
	"tap": {
		"testFiles": [
			".tmp/build/tests/node/descriptionSnapshot.test.js",
			".tmp/build/tests/node/rateLimiter.test.js",
			".tmp/build/tests/node/trapRecovery.test.js",
			".tmp/build/tests/node/description.test.js",
			".tmp/build/tests/node/credential.test.js",
			".tmp/build/tests/node/badInputs.test.js",
			".tmp/build/tests/node/tokens.test.js",
			".tmp/build/tests/node/transport.test.js",
			".tmp/build/tests/node/operations.test.js",
			".tmp/build/tests/node/tool.test.js",
			".tmp/build/tests/node/trigger.test.js",
			".tmp/build/tests/node/triggerWebhook.test.js",
			".tmp/build/tests/node/sendMessage.test.js",
			".tmp/build/tests/node/sendApi.test.js",
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
