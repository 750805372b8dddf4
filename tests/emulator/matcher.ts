// Matches a request path against a spec path template such as
// `/{organization}/{project}/{team}/_apis/wit/wiql`. Rules (the client's route templates make them so):
// - segments before `_apis` after {organization} ({project}, {team}) may be omitted, left to right;
// - a route may name one trailing parameter that may be omitted (the spec marks it x-ms-required:false);
// - literal segments compare case-insensitively (clients send `Release`, `workItems`, …);
// - a segment may carry a literal prefix before its parameter (`${type}` matches `$Bug`).

type Segment = { literal: string } | { param: string; prefix: string };

export interface CompiledPath {
  pre: string[];
  post: Segment[];
  optionalTail: string | undefined;
}

function segment(text: string): Segment {
  const m = /^([^{]*)\{([^}]+)\}$/.exec(text);
  return m ? { param: m[2], prefix: m[1] } : { literal: text.toLowerCase() };
}

export function compilePath(spec: string, optionalTail?: string): CompiledPath {
  const parts = spec.split('/').filter((p) => p !== '');
  const apis = parts.indexOf('_apis');
  if (apis < 1) throw new Error(`spec path without {organization}/…/_apis: ${spec}`);
  const pre = parts.slice(0, apis).map((p) => p.replace(/^\{|\}$/g, ''));
  if (pre[0] !== 'organization') throw new Error(`spec path must start with {organization}: ${spec}`);
  return { pre, post: parts.slice(apis + 1).map(segment), optionalTail };
}

/** Decoded path segments → parameters, or undefined when the path does not fit the template. */
export function matchPath(c: CompiledPath, segments: string[]): Record<string, string> | undefined {
  const apis = segments.findIndex((s) => s.toLowerCase() === '_apis');
  if (apis < 1 || apis > c.pre.length) return undefined;
  const params: Record<string, string> = {};
  segments.slice(0, apis).forEach((s, i) => (params[c.pre[i]] = s));
  const rest = segments.slice(apis + 1);
  const last = c.post[c.post.length - 1];
  const tailOmitted =
    rest.length === c.post.length - 1 && !!last && 'param' in last && last.param === c.optionalTail;
  if (rest.length !== c.post.length && !tailOmitted) return undefined;
  for (let i = 0; i < rest.length; i++) {
    const seg = c.post[i];
    const value = rest[i];
    if ('literal' in seg) {
      if (seg.literal !== value.toLowerCase()) return undefined;
    } else {
      if (!value.startsWith(seg.prefix) || value.length === seg.prefix.length) return undefined;
      params[seg.param] = value.slice(seg.prefix.length);
    }
  }
  return params;
}

/** Splits and decodes a raw URL path; undefined when a segment is badly encoded. */
export function decodeSegments(rawPath: string): string[] | undefined {
  try {
    return rawPath
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
