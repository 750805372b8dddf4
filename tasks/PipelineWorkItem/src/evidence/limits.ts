const MB = 1024 * 1024;

/** What one work item carries at most: attached files, and their bytes together. */
export const MAX_FILES_PER_ITEM = 100;
export const MAX_BYTES_PER_ITEM = 250 * MB;
/** Azure DevOps Services refuses an attachment over 60 MB (docs: "work tracking object limits"). */
export const SERVICES_ATTACHMENT_LIMIT = 60 * MB;
/**
 * Azure DevOps Server's limit is the collection's maximum attachment size (4 MB unless raised, up to 2 GB),
 * which no REST call reports; 130 MB is where an upload must be sent in chunks, and the task sends each file in
 * one request, so that is the most it tries there until a refusal tells it the collection's limit.
 */
export const SINGLE_UPLOAD_LIMIT = 130 * MB;
/** How many uploads are in flight at once. */
export const PARALLEL_UPLOADS = 4;

/** `value` bytes in whole megabytes, rounded up (what a warning shows). */
export function megabytes(value: number): number {
  return Math.ceil(value / MB);
}

/** The per-attachment limit the task starts with: `System.ServerType` is `Hosted` on Services. */
export function initialLimit(serverType: string | undefined): number {
  return (serverType ?? '').toLowerCase() === 'hosted' ? SERVICES_ATTACHMENT_LIMIT : SINGLE_UPLOAD_LIMIT;
}

/**
 * The limit a "too large" refusal (TF237082) of a file of `size` bytes reveals: the size its message names
 * ("… exceeds the supported file upload size (4 MB(s)) …"), or, when it names none that fits, anything of that
 * size or more.
 */
export function learnedLimit(size: number, message: string): number {
  const named = /\(\s*(\d+(?:\.\d+)?)\s*MB\(s\)\s*\)/i.exec(message)?.[1];
  const bytes = named === undefined ? NaN : Math.floor(Number(named) * MB);
  return Number.isFinite(bytes) && bytes > 0 && bytes < size ? bytes : size - 1;
}

/**
 * How many of `sizes` (in pattern order) fit one item: the first ones, at most MAX_FILES_PER_ITEM files and
 * MAX_BYTES_PER_ITEM bytes together. The rest are left out.
 */
export function fitting(sizes: readonly number[]): number {
  let bytes = 0;
  let count = 0;
  for (const size of sizes) {
    if (count >= MAX_FILES_PER_ITEM || bytes + size > MAX_BYTES_PER_ITEM) break;
    bytes += size;
    count += 1;
  }
  return count;
}
