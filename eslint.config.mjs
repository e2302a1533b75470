// n8n's community-node lint rules, as `n8n-node lint` runs them.
//
// The package uses the self-hosted rule set (`n8n-node cloud-support disable`) because the
// product reads N8N_META_UUID from the process environment, which n8n Cloud forbids. That
// read lives in one file; every other file is still held to the Cloud rules below.
//
// n8n's node and credential rule sets target ./nodes and ./credentials; this package keeps
// its TypeScript under js-wrapper/, so they are applied there too.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { globalIgnores } from 'eslint/config';

const cloudOnlyRules = Object.fromEntries(
	['@n8n/community-nodes/no-restricted-globals', '@n8n/community-nodes/no-restricted-imports'].map(
		(rule) => [rule, n8nCommunityNodesPlugin.configs.recommended.rules[rule]],
	),
);

export default [
	globalIgnores(['dist', 'target', 'fuzz', 'tests', 'bench', 'scripts', '.tmp', 'js-wrapper/bridge/generated']),
	...configWithoutCloudSupport,
	{
		files: ['js-wrapper/credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['js-wrapper/nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		files: ['js-wrapper/**/*.ts'],
		ignores: ['js-wrapper/nodes/Instagram/environment.ts'],
		rules: cloudOnlyRules,
	},
];
