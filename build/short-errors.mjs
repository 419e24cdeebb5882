/**
 * For the script-tag file only: xstate's own error messages, cut to their opening words.
 *
 * xstate throws long, helpful messages for machine definitions that are wrong ("Try adding {
 * initial: … }", "Did you mean …?"). The session machine is fixed and tested, so no user ever
 * meets them, yet they weigh some 0.5 KB gzip in every page that loads the script tag. Each
 * `new Error(<message>)` in xstate's code keeps its static opening words (e.g. "xstate: Unable
 * to send event to actor"), enough to tell which check fired; the dynamic parts and the hints
 * go. npm users get xstate as a dependency, untouched.
 */
/** Index just past the expression that starts at `from` and ends at an unmatched `)`. */
function argumentEnd(code, from) {
  const stack = [];
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    const top = stack[stack.length - 1];
    if (top === '`') {
      if (c === '\\') i++;
      else if (c === '`') stack.pop();
      else if (c === '$' && code[i + 1] === '{') stack.push('}'), i++;
    } else if (top === "'" || top === '"') {
      if (c === '\\') i++;
      else if (c === top) stack.pop();
    } else if (c === '/' && code[i + 1] === '/') i = code.indexOf('\n', i);
    else if (c === '/' && code[i + 1] === '*') i = code.indexOf('*/', i) + 1;
    else if (c === '`' || c === "'" || c === '"') stack.push(c);
    else if (c === '(' || c === '[' || c === '{') stack.push({ '(': ')', '[': ']', '{': '}' }[c]);
    else if (c === ')' && !stack.length) return i;
    else if (c === top) stack.pop();
  }
  throw new Error('short-errors: unbalanced new Error( … )');
}

/** The static words an error message opens with, up to its first interpolation, period or colon. */
function opening(message) {
  const text = message.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim().replace(/^[`'"]/, '').split(/\$\{|[.:'"`\n]|\\n/)[0].trim();
  return JSON.stringify(`xstate: ${text.split(/\s+/).slice(0, 6).join(' ')}`);
}

/** Rewrites the messages of one module's source. */
export function shortenErrors(code) {
  let out = '';
  let at = 0;
  for (const match of code.matchAll(/new Error\(/g)) {
    const start = match.index + match[0].length;
    if (start < at) continue;
    const end = argumentEnd(code, start);
    out += code.slice(at, start) + opening(code.slice(start, end));
    at = end;
  }
  return out + code.slice(at);
}
