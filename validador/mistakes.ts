// The usual ways a paquete gets mangled on its way to validador, named with the fix to try.
// A plain parse error ("line 1: the last entry has only 1 art line") is true but does not say
// what the sender did wrong; these say it.
import { LINE_WIDTH } from "#ocr";

const SEND_THE_FILE = "send the file itself as the body: curl --data-binary @paquete.txt URL (or @paquete.json), or faas-cli invoke validador < paquete.txt";

/** A request that cannot carry a paquete whatever its bytes: a form upload. */
export function wrongBodyKind(contentType: string | undefined): string | undefined {
  if (contentType !== undefined && /^\s*multipart\/form-data\b/i.test(contentType)) {
    return `the body is a form upload (multipart/form-data, as curl -F sends), not a paquete: ${SEND_THE_FILE}`;
  }
  return undefined;
}

/**
 * A better message for a scanner text that could not be read, or undefined to keep the parser's.
 * A scanner text (not JSON) as long as an entry's art with no line end at all lost its line ends
 * on the way: that is what `curl -d @file` does (it strips CR and LF from a file it reads).
 */
export function mangledText(text: string): string | undefined {
  const start = text.trimStart();
  if (start.startsWith("{") || start.startsWith("[")) return undefined;
  if (text.length >= 3 * LINE_WIDTH && !/[\r\n]/.test(text.trimEnd())) {
    return `line 1: the paquete's text is all on one line (${text.length} characters): its line ends were lost on the way, as curl -d @file drops them; ${SEND_THE_FILE}`;
  }
  return undefined;
}
