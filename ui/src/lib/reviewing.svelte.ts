// The review of the submission shown, and who is reviewing. Module state rather than a
// component's: the page header, the Review tab, the Code tab's line threads, the verification's
// check threads and the vote panel all read and write the same review.

import type { ApiError, CheckPrecision, CommentRequest, Reviewer, ReviewView, Role } from "./bindings";
import { backend, toApiError } from "./backend";
import { reportError } from "./errors.svelte";

class ReviewingState {
  /** Who is acting, with their role; null until the store answers. */
  me: Reviewer | null = $state.raw(null);
  /** The review of the submission shown; null while none is loaded. */
  view: ReviewView | null = $state.raw(null);
  /** Each check's precision over every judged flag. */
  precision: CheckPrecision[] = $state.raw([]);
  /** Bumped after every write and identity change, so the queue is fetched again. */
  writes = $state(0);
  /** The comment box open (`composerKey`), if any: one at a time, wherever it is drawn. */
  composing: string | null = $state(null);

  private token = 0;

  async loadMe(): Promise<void> {
    try {
      this.me = await backend.me();
    } catch (e) {
      reportError("Reading who is reviewing", e);
    }
  }

  async loadPrecision(): Promise<void> {
    try {
      this.precision = await backend.checkPrecision();
    } catch (e) {
      reportError("Reading the checks' precision", e);
    }
  }

  /** Loads the review of submission `id` (an answer for a submission no longer shown is dropped). */
  async load(id: string | null): Promise<void> {
    const mine = ++this.token;
    if (id === null) {
      this.view = null;
      return;
    }
    if (this.view?.submissionId !== id) this.view = null;
    try {
      const view = await backend.review(id);
      if (mine === this.token) this.view = view;
    } catch (e) {
      if (mine === this.token) reportError("Loading the review", e);
    }
  }

  /**
   * Runs one review write. Returns null when it went through (the review shown is the answer),
   * else the error, for the form that asked to show (a refusal names the rule that refused it).
   */
  async write(run: () => Promise<ReviewView>): Promise<ApiError | null> {
    try {
      const view = await run();
      if (this.view === null || this.view.submissionId === view.submissionId) this.view = view;
      this.writes += 1;
      return null;
    } catch (e) {
      return toApiError(e);
    }
  }

  /** A write whose refusal goes to the error banners (a resolve, a reply sent from a list). */
  async writeOrReport(context: string, run: () => Promise<ReviewView>): Promise<boolean> {
    const error = await this.write(run);
    if (error) reportError(context, error);
    return error === null;
  }

  /** Writes a comment or a reply; the box closes when it went through. */
  async send(submissionId: string, request: CommentRequest): Promise<ApiError | null> {
    const error = await this.write(() => backend.comment(submissionId, request));
    if (error === null) this.composing = null;
    return error;
  }

  /** Acts as reviewer `name` from now on; the review shown is read again through their eyes. */
  async actAs(name: string): Promise<ApiError | null> {
    try {
      this.me = await backend.setReviewer(name);
    } catch (e) {
      return toApiError(e);
    }
    await this.reviewerChanged();
    return null;
  }

  async setRole(name: string, role: Role): Promise<ApiError | null> {
    try {
      const who = await backend.setRole(name, role);
      if (this.me?.name === who.name) this.me = who;
    } catch (e) {
      return toApiError(e);
    }
    await this.reviewerChanged();
    return null;
  }

  /** Who reviews, or their role, changed: what the queue and the page show is read again. */
  private async reviewerChanged(): Promise<void> {
    this.writes += 1;
    const shown = this.view?.submissionId ?? null;
    if (shown !== null) await this.load(shown);
  }
}

export const reviewing = new ReviewingState();
