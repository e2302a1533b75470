// Meta's Graph API error bodies, as Meta writes them.
export interface GraphErrorOptions {
	type?: string;
	subcode?: number;
	isTransient?: boolean;
	userTitle?: string;
	userMessage?: string;
}

export function graphError(code: number, message: string, extra: GraphErrorOptions = {}): string {
	return JSON.stringify({
		error: {
			message,
			type: extra.type ?? (code === 190 ? 'OAuthException' : 'IGApiException'),
			code,
			...(extra.subcode === undefined ? {} : { error_subcode: extra.subcode }),
			...(extra.isTransient === undefined ? {} : { is_transient: extra.isTransient }),
			...(extra.userTitle === undefined ? {} : { error_user_title: extra.userTitle }),
			...(extra.userMessage === undefined ? {} : { error_user_msg: extra.userMessage }),
			fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}`,
		},
	});
}

/** An answer the imitation gives: status, body and headers. */
export interface Reply {
	status: number;
	body: string;
	headers?: Record<string, string>;
	outcome: string;
}

export function refuse(status: number, code: number, message: string, extra: GraphErrorOptions = {}): Reply {
	return { status, body: graphError(code, message, extra), outcome: `graphError:${code}` };
}

export function ok(body: unknown, outcome: string): Reply {
	return { status: 200, body: JSON.stringify(body), outcome };
}
