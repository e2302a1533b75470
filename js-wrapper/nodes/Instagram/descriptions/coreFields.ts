import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import type { FieldRule, FieldSpec } from '../../../bridge/types';

/**
 * The field `name` of `operation`, as the core declares it; `which` picks among fields that
 * share a parameter (Media Type for a URL, or for a file).
 */
export function coreField(operation: string, name: string, which: (field: FieldSpec) => boolean = () => true): FieldSpec {
	const field = CATALOG.operations
		.find((spec) => spec.name === operation)
		?.fields.find((f) => f.name === name && which(f));
	if (!field) throw new Error(`The core declares no field ${name} for ${operation}`);
	return field;
}

/** The value the core uses when the parameter is not set. */
export function ruleDefault(rule: FieldRule): string | number | boolean {
	switch (rule.kind) {
		case 'choice':
		case 'short':
		case 'fieldList':
		case 'binary':
		case 'boolean':
		case 'integer':
			return rule.default;
		default:
			return '';
	}
}

/**
 * A parameter for a core field: the core's label, name and default; `required` where the
 * core requires it (or where the description shows it only when it is needed).
 */
export function fieldProperty(
	operation: string | FieldSpec,
	name: string,
	displayOptions: IDisplayOptions,
	rest: Partial<INodeProperties> & Pick<INodeProperties, 'description'>,
): INodeProperties {
	const field = typeof operation === 'string' ? coreField(operation, name) : operation;
	return {
		displayName: field.label,
		name: field.parameter.split('.').pop()!,
		type: 'string',
		default: ruleDefault(field.rule),
		...(field.required ? { required: true } : {}),
		...rest,
		displayOptions,
	};
}

/** A rule's parameters, for descriptions that state the limit. */
export function rule<K extends FieldRule['kind']>(operation: string, name: string, kind: K): Extract<FieldRule, { kind: K }> {
	const found = coreField(operation, name).rule;
	if (found.kind !== kind) throw new Error(`${operation}.${name} is a ${found.kind} field, not ${kind}`);
	return found as Extract<FieldRule, { kind: K }>;
}
