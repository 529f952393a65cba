// What a Word document may cost to read. Real plans are a few hundred kilobytes zipped, a few
// megabytes of XML and some dozens of tables; each limit is far above that. Sizes and counts
// are checked on the zip and the raw XML before anything is parsed; what passes them can still
// cost more than the reading worker's budget (a parsed tree is many times its XML), and the
// budget (../offThread.ts) stops it there.

/** Largest .docx accepted (zipped bytes): images make real files bigger than their text. */
export const MAX_DOCX_BYTES = 20 * 1024 * 1024
/** Entries in the zip: a plan has a dozen or two, more with images. */
export const MAX_ZIP_ENTRIES = 2_000
/** Any one XML part, uncompressed (declared and actually inflated). */
export const MAX_PART_BYTES = 16 * 1024 * 1024
/** All XML parts together, uncompressed. */
export const MAX_XML_BYTES = 32 * 1024 * 1024
/** Tables in the document body (nested tables included). */
export const MAX_TABLES = 2_000
/** Table rows in the whole document. */
export const MAX_ROWS = 20_000
/** Cells of one table row, after merged cells are spread over the columns they cover. */
export const MAX_COLUMNS = 64
/** Paragraphs in the whole document (cells included). */
export const MAX_PARAGRAPHS = 100_000

