package awssrc

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"watchtrail/sources"
	"watchtrail/text"
)

// liveTailMaxGroups is how many log groups one StartLiveTail session takes;
// more groups are split over several sessions.
const liveTailMaxGroups = 10

// liveTailRestartPause spaces the restarts of sessions that ended normally
// (a session lasts at most three hours), so a service that keeps ending them
// at once is not hammered. Tests shorten it.
var liveTailRestartPause = 2 * time.Second

var _ sources.LogStreamer = (*Source)(nil)

// StreamLogs follows groups with CloudWatch Logs Live Tail (StartLiveTail).
// Plain group names are turned into the ARNs StartLiveTail needs with
// DescribeLogGroups; ARNs are used as given. It returns once every session
// has started, or with the first error (access denied, an endpoint without
// StartLiveTail, an unknown group), so the caller can fall back to polling.
// See sources.LogStreamer for the channels.
func (s *Source) StreamLogs(ctx context.Context, groups []string, pattern string) (<-chan []sources.LogEvent, <-chan error, error) {
	if len(groups) == 0 {
		return nil, nil, sources.ErrNoLogGroups
	}
	names := map[string]string{} // ARN -> the group as configured
	arns := make([]string, 0, len(groups))
	for _, g := range groups {
		arn, err := s.logGroupARN(ctx, g)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := names[arn]; dup {
			continue
		}
		names[arn] = g
		arns = append(arns, arn)
	}

	ctx, cancel := context.WithCancel(ctx)
	var tails []*liveTail
	var streams []*cloudwatchlogs.StartLiveTailEventStream
	for i := 0; i < len(arns); i += liveTailMaxGroups {
		t := &liveTail{src: s, arns: arns[i:min(i+liveTailMaxGroups, len(arns))], pattern: pattern, names: names}
		stream, err := t.start(ctx)
		if err != nil {
			for _, st := range streams {
				st.Close()
			}
			cancel()
			return nil, nil, err
		}
		tails, streams = append(tails, t), append(streams, stream)
	}

	out := make(chan []sources.LogEvent)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for i, t := range tails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := t.run(ctx, streams[i], out); err != nil {
				select {
				case errs <- err:
				default: // another session's error is already there
				}
				cancel() // one failing session stops them all
			}
		}()
	}
	go func() {
		wg.Wait()
		cancel()
		close(out)
	}()
	return out, errs, nil
}

// logGroupARN returns the ARN StartLiveTail wants: without the ":*" that
// DescribeLogGroups' arn field and many IAM policies carry.
func (s *Source) logGroupARN(ctx context.Context, group string) (string, error) {
	if strings.HasPrefix(group, "arn:") {
		return strings.TrimSuffix(group, ":*"), nil
	}
	// Groups come sorted by name, so the exact name is the first of those it
	// prefixes; one page is enough.
	out, err := s.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{
		LogGroupNamePrefix: aws.String(group),
		Limit:              aws.Int32(50),
	})
	if err != nil {
		return "", err
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) != group {
			continue
		}
		if arn := aws.ToString(g.LogGroupArn); arn != "" {
			return arn, nil
		}
		if arn := strings.TrimSuffix(aws.ToString(g.Arn), ":*"); arn != "" {
			return arn, nil
		}
	}
	return "", fmt.Errorf("live tail: log group %q not found", group)
}

// liveTail is one StartLiveTail session (up to ten groups), restarted when it
// ends normally.
type liveTail struct {
	src     *Source
	arns    []string
	pattern string
	names   map[string]string // ARN -> group as configured, shared read-only
}

func (t *liveTail) start(ctx context.Context) (*cloudwatchlogs.StartLiveTailEventStream, error) {
	in := &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: t.arns}
	if t.pattern != "" {
		in.LogEventFilterPattern = aws.String(t.pattern)
	}
	out, err := t.src.logs.StartLiveTail(ctx, in, func(o *cloudwatchlogs.Options) {
		// The protocol decodes event streams with one shared buffer and
		// decoder, so streams read at once (several sessions, or a restart
		// while the old reader winds down) would corrupt each other: each
		// session gets its own.
		o.Protocol = awsjson.New11(schemas.Logs_20140328)
		// StartLiveTail prefixes the host with "stream-"; an explicit
		// endpoint (an emulator, a proxy) is used as given.
		if o.BaseEndpoint != nil {
			o.APIOptions = append(o.APIOptions, withoutHostPrefix)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("live tail: %w", err)
	}
	return out.GetStream(), nil
}

func withoutHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("watchtrailNoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

// run reads sessions until ctx ends (nil) or one fails (the error).
func (t *liveTail) run(ctx context.Context, stream *cloudwatchlogs.StartLiveTailEventStream, out chan<- []sources.LogEvent) error {
	for {
		err := t.read(ctx, stream, out)
		stream.Close()
		if ctx.Err() != nil {
			return nil
		}
		var timeout *types.SessionTimeoutException
		if err != nil && !errors.As(err, &timeout) {
			return fmt.Errorf("live tail: %w", classify(err))
		}
		// The session ended normally (or reached its three hours): start
		// another.
		timer := time.NewTimer(liveTailRestartPause)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil
		}
		if stream, err = t.start(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// read forwards one session's non-empty updates until it ends, returning
// the error it ended with.
func (t *liveTail) read(ctx context.Context, stream *cloudwatchlogs.StartLiveTailEventStream, out chan<- []sources.LogEvent) error {
	events := stream.Events()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return stream.Err()
			}
			update, ok := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate)
			if !ok {
				continue // sessionStart, or a member this SDK does not know
			}
			batch := t.convert(update.Value.SessionResults)
			if len(batch) == 0 {
				continue // an update comes every second, mostly empty
			}
			select {
			case out <- batch:
			case <-ctx.Done():
				return nil
			}
		}
	}
}

func (t *liveTail) convert(results []types.LiveTailSessionLogEvent) []sources.LogEvent {
	batch := make([]sources.LogEvent, 0, len(results))
	for _, r := range results {
		stream, msg := aws.ToString(r.LogStreamName), aws.ToString(r.Message)
		ms := aws.ToInt64(r.Timestamp)
		group := t.groupName(aws.ToString(r.LogGroupIdentifier))
		batch = append(batch, sources.LogEvent{
			ID:      liveTailID(group, stream, ms, msg),
			Group:   group,
			Stream:  text.Sanitize(stream),
			Time:    time.UnixMilli(ms),
			Message: text.Sanitize(msg),
		})
	}
	sort.SliceStable(batch, func(i, j int) bool { return batch[i].Time.Before(batch[j].Time) })
	return batch
}

// groupName maps a result's logGroupIdentifier (an ARN, or
// "account:name") back to the group as configured, so that live and polled
// lines look the same.
func (t *liveTail) groupName(id string) string {
	if g, ok := t.names[strings.TrimSuffix(id, ":*")]; ok {
		return g
	}
	for _, arn := range t.arns {
		name, plain := t.names[arn], arn
		if i := strings.LastIndex(arn, ":log-group:"); i >= 0 {
			plain = arn[i+len(":log-group:"):]
		}
		if id == name || id == plain || strings.HasSuffix(id, ":"+plain) {
			return name
		}
	}
	return text.Sanitize(id)
}

// liveTailID makes a stable ID for a Live Tail result, which carries no
// eventId: the same line seen twice (e.g. across a session restart) gets the
// same ID and is shown once.
func liveTailID(group, stream string, ms int64, msg string) string {
	h := fnv.New64a()
	for _, part := range []string{group, stream, strconv.FormatInt(ms, 10), msg} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "lt-" + strconv.FormatUint(h.Sum64(), 16)
}
