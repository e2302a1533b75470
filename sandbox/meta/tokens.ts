// Meta's access tokens as the imitation keeps them: each token an account holds, when it
// was issued and when it expires, on a clock the test controls (never wall time). An
// Instagram-Login token lasts 60 days; `GET /refresh_access_token?grant_type=ig_refresh_token`
// gives a new one, good for another 60 days, once the token is 24 hours old and not yet
// expired. Facebook-Login Page tokens here never expire. A one-hour token (what an OAuth
// login gives) is exchanged once for a 60-day one with `GET /access_token?grant_type=
// ig_exchange_token&client_secret=…`; Meta refuses a wrong secret, an expired token and a
// token that is not a one-hour one (that refusal's wording is the imitation's own).
//
// Meta's own wording for a refusal of a too-young token is not documented; the imitation's
// message is its own. The old token stays valid until its own expiry after a refresh (Meta
// does not document revoking it).
import { randomBytes } from 'node:crypto';

export const DAY_MS = 86_400_000;
/** Seconds in 60 days: Meta's `expires_in` for an Instagram-Login token. */
export const LONG_LIVED_SECONDS = 60 * 86_400;

export interface Grant<A> {
	token: string;
	account: A;
	issuedAt: number;
	/** `Infinity`: never expires. */
	expiresAt: number;
	/** 0 for the token the test configured, then 1, 2, … for each refresh or exchange. */
	generation: number;
	/** A one-hour token, which only the exchange accepts. */
	shortLived?: boolean;
}

export type RefreshOutcome<A> =
	| { ok: true; grant: Grant<A> }
	| { ok: false; status: number; code: number; subcode?: number; message: string; type: string };

export class Tokens<A> {
	private readonly grants = new Map<string, Grant<A>>();
	private offsetMs = 0;
	refreshes = 0;
	exchanges = 0;

	/** The imitation's clock: wall time moved by the test (`advance`). */
	now(): number {
		return Date.now() + this.offsetMs;
	}

	advance(ms: number): void {
		this.offsetMs += ms;
	}

	/** A token the test configured, issued `ageDays` ago, lasting `lifetimeDays` (Infinity: never expires). */
	add(token: string, account: A, ageDays: number, lifetimeDays: number, shortLived = false): void {
		const issuedAt = this.now() - ageDays * DAY_MS;
		this.grants.set(token, { token, account, issuedAt, expiresAt: issuedAt + lifetimeDays * DAY_MS, generation: 0, shortLived });
	}

	find(token: string | undefined): Grant<A> | undefined {
		return token === undefined ? undefined : this.grants.get(token);
	}

	expired(grant: Grant<A>): boolean {
		return this.now() >= grant.expiresAt;
	}

	/** Meta's answer to any call with `grant`'s token once it has expired (code 190, subcode 463). */
	expiredRefusal(grant: Grant<A>): RefreshOutcome<A> & { ok: false } {
		return { ok: false, status: 400, code: 190, subcode: 463, message: `Error validating access token: Session has expired on ${new Date(grant.expiresAt).toUTCString()}.`, type: 'OAuthException' };
	}

	/** Meta's answer to a refresh with `grant`'s token (Instagram Login only). */
	refresh(grant: Grant<A>, instagramLogin: boolean, refused = false): RefreshOutcome<A> {
		if (!instagramLogin) {
			return { ok: false, status: 400, code: 100, subcode: 33, message: "Unsupported get request. Object with ID 'refresh_access_token' does not exist.", type: 'GraphMethodException' };
		}
		if (this.expired(grant)) {
			return this.expiredRefusal(grant);
		}
		if (refused) {
			return { ok: false, status: 400, code: 10, message: 'Application does not have permission for this action', type: 'OAuthException' };
		}
		if (this.now() - grant.issuedAt < DAY_MS) {
			return { ok: false, status: 400, code: 100, message: 'The access token is less than 24 hours old and cannot be refreshed yet.', type: 'OAuthException' };
		}
		this.refreshes++;
		return { ok: true, grant: this.longLived(grant) };
	}

	/** Meta's answer to the exchange of `grant`'s token with `clientSecret`. */
	exchange(grant: Grant<A>, clientSecret: string | undefined, appSecret: string): RefreshOutcome<A> {
		if (clientSecret !== appSecret) {
			return { ok: false, status: 400, code: 101, message: 'Error validating client secret.', type: 'OAuthException' };
		}
		if (this.expired(grant)) {
			return this.expiredRefusal(grant);
		}
		if (!grant.shortLived) {
			return { ok: false, status: 400, code: 100, message: 'The access token is not a short-lived token and cannot be exchanged.', type: 'OAuthException' };
		}
		this.exchanges++;
		return { ok: true, grant: this.longLived(grant) };
	}

	private longLived(grant: Grant<A>): Grant<A> {
		const issuedAt = this.now();
		const fresh: Grant<A> = {
			token: `IGAA${randomBytes(24).toString('hex')}`,
			account: grant.account,
			issuedAt,
			expiresAt: issuedAt + LONG_LIVED_SECONDS * 1000,
			generation: grant.generation + 1,
		};
		this.grants.set(fresh.token, fresh);
		return fresh;
	}

	/** Every token issued by a refresh or an exchange (the test checks none leaks). */
	issued(): string[] {
		return [...this.grants.values()].filter((grant) => grant.generation > 0).map((grant) => grant.token);
	}

	reset(): void {
		this.refreshes = 0;
		this.exchanges = 0;
	}
}
