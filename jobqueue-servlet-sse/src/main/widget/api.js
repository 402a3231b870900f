// The REST calls the widget makes. fetch is injectable for tests; errors carry the server's
// message and HTTP status.

/** How many jobs one resync asks for (the API's maximum limit). */
export const RESYNC_LIMIT = 1000;

export class JobApi {
  /** basePath: a function returning the current base path (it follows the attribute). */
  constructor(basePath, fetchFn) {
    this.basePath = basePath;
    this.fetch = fetchFn || ((...args) => globalThis.fetch(...args));
  }

  get(id) {
    return this.request('GET', '/' + encodeURIComponent(id));
  }

  /** Every job of this user, all statuses, newest first. */
  recent(limit = RESYNC_LIMIT) {
    return this.request('GET', '?limit=' + limit);
  }

  /** The queued and running jobs (the polling fallback's question). */
  active(limit) {
    return this.request('GET', '?status=running,queued&limit=' + limit);
  }

  /** Counts, durations and throughput of this user's jobs. */
  stats() {
    return this.request('GET', '/stats');
  }

  children(parentId) {
    return this.request('GET', '?parent_job_id=' + encodeURIComponent(parentId) + '&limit=1000');
  }

  /** filters: {status, type, text}; limit: how many. */
  history(filters, limit) {
    let query = '?status=' + filters.status + '&limit=' + limit;
    if (filters.type) {
      query += '&type=' + encodeURIComponent(filters.type);
    }
    if (filters.text) {
      query += '&q=' + encodeURIComponent(filters.text);
    }
    return this.request('GET', query);
  }

  cancel(id) {
    return this.request('POST', '/' + encodeURIComponent(id) + '/cancel');
  }

  retry(id) {
    return this.request('POST', '/' + encodeURIComponent(id) + '/retry');
  }

  delete(id) {
    return this.request('DELETE', '/' + encodeURIComponent(id));
  }

  clearCompleted() {
    return this.request('DELETE', '?status=completed');
  }

  /**
   * The download link of the jobs the filters select: filters {status, type, text} as the panel
   * has them; format json or csv.
   */
  exportUrl(format, filters) {
    let query = '/export?format=' + format;
    if (filters.status) {
      query += '&status=' + encodeURIComponent(filters.status);
    }
    if (filters.type) {
      query += '&type=' + encodeURIComponent(filters.type);
    }
    if (filters.text) {
      query += '&q=' + encodeURIComponent(filters.text);
    }
    return this.basePath() + query;
  }

  async request(method, path) {
    const response = await this.fetch(this.basePath() + path, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (response.status === 204) {
      return null;
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const error = new Error(body && body.error ? body.error : 'HTTP ' + response.status);
      error.status = response.status;
      throw error;
    }
    return body;
  }
}
