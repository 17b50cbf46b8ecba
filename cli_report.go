package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/internal/atomicfile"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["report"] = command{summary: "a day's counter totals per clerk and per channel, as JSON and a PDF for the office (no personal data)", run: runReport}
}

// reportOut is the JSON line of `idbooth report`.
type reportOut struct {
	Day      booth.Date                      `json:"day"`
	Total    storage.Tally                   `json:"total"`
	Channels map[booth.Channel]storage.Tally `json:"channels"`
	Clerks   []storage.ClerkTally            `json:"clerks"`
	// Audit is the log's head when the report was made (after its own export entry): keep it to
	// compare with a later `idbooth audit verify`.
	Audit reportAudit `json:"audit"`
	PDF   string      `json:"pdf,omitempty"`
}

type reportAudit struct {
	HeadSeq int64  `json:"head_seq"`
	Head    string `json:"head"`
}

func runReport(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "report", "--day YYYY-MM-DD [--pdf FILE]")
	dayFlag := fs.String("day", "", "the day (YYYY-MM-DD, in Japan)")
	pdfFile := fs.String("pdf", "", "also write the report as a PDF for the office (in --lang)")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	day, err := booth.ParseDate(*dayFlag)
	if err != nil || fs.NArg() > 0 {
		fmt.Fprintln(env.stderr, "idbooth report: --day: want YYYY-MM-DD")
		return exitUsage
	}
	msgs := assets.Messages(common.lang)
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: true})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth report:", err)
		return exitUsage
	}
	defer store.Close()
	// A report leaves the machine: it is an export, and the head it prints includes that entry.
	if err := store.Audit(ctx, audit.Event{Kind: audit.Export, Detail: "report " + day.String()}); err != nil {
		fmt.Fprintln(env.stderr, "idbooth report:", err)
		return exitUsage
	}
	counts, err := store.CounterDay(ctx, day)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth report:", err)
		return exitUsage
	}
	out := reportOut{Day: day, Total: counts.Total, Channels: counts.Channels, Clerks: counts.Clerks}
	if out.Clerks == nil {
		out.Clerks = []storage.ClerkTally{}
	}
	if h := counts.AuditHead; h != nil {
		out.Audit = reportAudit{HeadSeq: h.Seq, Head: h.Hash.String()}
	}
	if *pdfFile != "" {
		pdf, err := slip.RenderDocumentPDF(reportDocument(msgs, out, time.Now()))
		if err == nil {
			err = atomicfile.WriteFile(*pdfFile, pdf, 0o644)
		}
		if err != nil {
			fmt.Fprintln(env.stderr, "idbooth report:", err)
			return exitUsage
		}
		out.PDF = *pdfFile
	}
	if err := printJSON(env.stdout, out); err != nil {
		return exitUsage
	}
	return exitOK
}

// reportDocument is the office's page: the totals by channel, by clerk, and the audit head.
func reportDocument(msgs *assets.Catalog, r reportOut, now time.Time) slip.Document {
	tally := func(t storage.Tally) []string {
		return []string{strconv.Itoa(t.Applications), strconv.Itoa(t.Overrides), strconv.Itoa(t.IdentityVerified)}
	}
	numeric := []bool{false, true, true, true, true, true, true}
	counts := []string{msgs.T("counter.report.applications"), msgs.T("counter.report.overrides"), msgs.T("counter.report.identity_verified")}
	channels := &slip.Table{Header: append([]string{msgs.T("counter.report.channel")}, counts...), Numeric: numeric}
	for _, ch := range []booth.Channel{booth.ChannelCounter, booth.ChannelBooth} {
		channels.Rows = append(channels.Rows, append([]string{msgs.T("counter.report.channel." + string(ch))}, tally(r.Channels[ch])...))
	}
	channels.Rows = append(channels.Rows, append([]string{msgs.T("counter.report.total")}, tally(r.Total)...))

	doc := slip.Document{Title: msgs.T("counter.report.title", r.Day.String()), Lang: msgs.Lang(), Created: now,
		Parts: []slip.Part{
			{Text: []string{msgs.T("counter.report.created", now.In(booth.JST).Format("2006-01-02 15:04"))}},
			{Heading: msgs.T("counter.report.by_channel"), Table: channels},
		}}
	byClerk := slip.Part{Heading: msgs.T("counter.report.by_clerk")}
	if len(r.Clerks) == 0 {
		byClerk.Text = []string{msgs.T("counter.report.no_applications")}
	} else {
		byClerk.Table = &slip.Table{Header: append(append([]string{msgs.T("counter.report.clerk")}, counts...),
			msgs.T("counter.report.sign_ins"), msgs.T("counter.report.refused"), msgs.T("counter.report.reprints")), Numeric: numeric}
		for _, c := range r.Clerks {
			id := c.Clerk
			if id == "" {
				id = msgs.T("counter.report.no_clerk")
			}
			byClerk.Table.Rows = append(byClerk.Table.Rows, append(append([]string{id}, tally(c.Tally)...),
				strconv.Itoa(c.SignIns), strconv.Itoa(c.Refused), strconv.Itoa(c.Reprints)))
		}
	}
	auditPart := slip.Part{Heading: msgs.T("counter.report.audit"), Text: []string{msgs.T("counter.report.audit_empty")}}
	if r.Audit.HeadSeq > 0 {
		h := r.Audit.Head
		auditPart.Text = []string{msgs.T("counter.report.audit_head", r.Audit.HeadSeq),
			msgs.T("counter.report.audit_hash", strings.Join([]string{h[:16], h[16:32], h[32:48], h[48:]}, " ")),
			msgs.T("counter.report.audit_note")}
	}
	doc.Parts = append(doc.Parts, byClerk, auditPart)
	return doc
}
