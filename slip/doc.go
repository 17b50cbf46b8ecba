// Package slip renders the confirmation slip a resident takes home after an application (a
// PDF page or a 1-bit receipt raster) and prints it on CUPS queues and ESC/POS receipt
// printers; it also lays out the ID-photo print sheet that booths sell.
//
// The slip is the resident's only proof of application, so it is built from a plain Receipt
// (no storage types): the caller queues the application first and prints afterwards, and a
// failed print never touches the application itself. A Receipt carries no personal data beyond
// the last four digits of the form's ID.
package slip
