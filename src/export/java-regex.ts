// spec 3.3 `matches`: "v fully matches the regular expression x (Java semantics)". The start entities are chosen in
// SQL, so the Java pattern becomes a PostgreSQL ARE over the whole value. The two dialects share the usual syntax
// (bracket classes, \d \w \s, quantifiers, groups, alternation, lookaround); this rewrites what differs:
//  - word boundaries: Java's \b and \B are \y and \Y in an ARE (where \b is a backspace);
//  - Java's \z (end of input) is \Z;
//  - leading inline flags: an ARE takes embedded options only at its very start, so Java's (?i) (?x) (?m) (?s) move
//    ahead of the anchors as the options i, x, w (^ $ at line ends); s is what an ARE does anyway (. matches a newline);
//  - the whole value: \A(?:x)\Z, whatever ^ and $ mean under the options.
// Other Java-only syntax (\Q…\E, possessive quantifiers, \p{…}) is left as it is: PostgreSQL refuses it as an
// invalid expression, which the export answers with 400 naming the option.

const OPTIONS: Record<string, string> = { i: 'i', x: 'x', m: 'w', s: '' };

export function javaRegexAsPostgres(java: string): string {
  let pattern = java;
  let options = '';
  const flags = /^\(\?([a-z]+)\)/.exec(pattern);
  if (flags && [...flags[1]].every((f) => f in OPTIONS)) {
    options = [...new Set([...flags[1]].map((f) => OPTIONS[f]))].join('');
    pattern = pattern.slice(flags[0].length);
  }
  let out = '';
  let inBrackets = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      if (!inBrackets && next === 'b') out += '\\y';
      else if (!inBrackets && next === 'B') out += '\\Y';
      else if (!inBrackets && next === 'z') out += '\\Z';
      else out += c + next;
      continue;
    }
    if (c === '[') inBrackets = true;
    else if (c === ']') inBrackets = false;
    out += c;
  }
  return `${options ? `(?${options})` : ''}\\A(?:${out})\\Z`;
}
