package cmd

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"watchtrail/sources"
)

// newVerifyCmd is `watchtrail trail verify`: CloudTrail log file validation
// of the trail's S3 bucket.
func newVerifyCmd(g *globals) *cobra.Command {
	var r rangeFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Validate the trail's log files in its S3 bucket (digests, signatures, hashes)",
		Long: `Check CloudTrail log file validation for the files the trail delivered to
--trail-bucket in the range: each digest file's RSA signature (against the
keys from CloudTrail ListPublicKeys), the chain of previous digests, and each
log file's SHA-256. Prints every file as verified, modified, missing or not
validated (validation off, or no digest yet). The exit status is 1 when any
file was modified or is missing.`,
		Example: `  watchtrail trail verify --trail-bucket s3://org-trail/prod --since 1d`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, stop, err := g.begin(cmd, &r)
			if err != nil {
				return err
			}
			defer stop()
			checker, ok := s.src.(sources.IntegrityChecker)
			if !ok {
				return fmt.Errorf("log file validation reads one account's trail bucket (--trail-bucket); %s cannot", s.src.Describe())
			}
			report, err := checker.CheckIntegrity(s.ctx, s.start, s.end)
			if err != nil {
				return err
			}
			if err := writeIntegrity(cmd.OutOrStdout(), report); err != nil {
				return err
			}
			if report.Tampered() {
				fmt.Fprintf(cmd.ErrOrStderr(), "\n!!! TRAIL LOG FILES TAMPERED WITH: %d modified, %d missing since CloudTrail delivered them !!!\n\n",
					report.Count(sources.IntegrityModified), report.Count(sources.IntegrityMissing))
				return fmt.Errorf("log file validation failed")
			}
			return nil
		},
	}
	r.addFlags(cmd.Flags(), "1d")
	return cmd
}

// writeIntegrity prints one line per file and a summary line.
func writeIntegrity(w io.Writer, r sources.IntegrityReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range r.Files {
		status := string(f.Status)
		if f.Status == sources.IntegrityModified || f.Status == sources.IntegrityMissing {
			status = strings.ToUpper(status)
		}
		kind := "log"
		if f.Digest {
			kind = "digest"
		}
		line := status + "\t" + kind + "\t" + f.File
		if f.Detail != "" {
			line += "\t" + f.Detail
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d files from %s to %s: %d verified, %d modified, %d missing, %d not validated\n", len(r.Files),
		r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339), r.Count(sources.IntegrityVerified),
		r.Count(sources.IntegrityModified), r.Count(sources.IntegrityMissing), r.Count(sources.IntegrityNotValidated))
	return err
}
