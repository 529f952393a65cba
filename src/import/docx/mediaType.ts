// What identifies a Word document before it is read: its media type and the zip's first bytes.
// Kept apart from the reader so the CLI and the server can tell a .docx without loading it.

/** The media type of a Word document. */
export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** A zip archive starts with a local file header ("PK\3\4") or, empty, an end record ("PK\5\6"). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)
}
