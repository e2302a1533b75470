import type { INodeProperties } from 'n8n-workflow';

import { userIdField } from './shared';

export const userOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get Profile',
				value: 'getProfile',
				description: 'Get the name, username and profile picture of a person who messaged your account',
				action: 'Get a user profile',
			},
		],
		default: 'getProfile',
	},
];

export const userFields: INodeProperties[] = [userIdField({ show: { resource: ['user'], operation: ['getProfile'] } })];
