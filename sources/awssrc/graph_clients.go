package awssrc

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"golang.org/x/sync/singleflight"
)

// graphCacheTTL is how long a discovery call's answer is reused: relations
// change rarely, and a drill-down is often opened again minutes later.
const graphCacheTTL = 5 * time.Minute

// graphClients are the read-only clients resource discovery uses, with the
// cache of their answers.
type graphClients struct {
	ec2     *ec2.Client
	iam     *iam.Client
	asg     *autoscaling.Client
	lambda  *lambda.Client
	sqs     *sqs.Client
	dynamo  *dynamodb.Client
	scaling *applicationautoscaling.Client
	elb     *elb.Client
	rds     *rds.Client
	ecs     *ecs.Client
	apigw   *apigateway.Client
	cache   callCache
}

func newGraphClients(cfg aws.Config, endpointURL string) *graphClients {
	var base *string
	if endpointURL != "" {
		base = aws.String(endpointURL)
	}
	attempts := capAttempts(cfg.RetryMaxAttempts)
	return &graphClients{
		ec2:     ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		iam:     iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		asg:     autoscaling.NewFromConfig(cfg, func(o *autoscaling.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		lambda:  lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		sqs:     sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		dynamo:  dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		scaling: applicationautoscaling.NewFromConfig(cfg, func(o *applicationautoscaling.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		elb:     elb.NewFromConfig(cfg, func(o *elb.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		rds:     rds.NewFromConfig(cfg, func(o *rds.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		ecs:     ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
		apigw:   apigateway.NewFromConfig(cfg, func(o *apigateway.Options) { o.BaseEndpoint, o.RetryMaxAttempts = base, attempts }),
	}
}

// callCache keeps successful answers for graphCacheTTL, keyed by call and
// identifier; concurrent identical calls share one request. Failures are
// not kept, so the next discovery tries again.
type callCache struct {
	mu      sync.Mutex
	answers map[string]cachedAnswer
	flight  singleflight.Group
}

type cachedAnswer struct {
	value any
	at    time.Time
}

// cached returns the answer to the call named key, fetching it when missing or stale.
func cached[T any](ctx context.Context, c *callCache, key string, fetch func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	if a, ok := c.answers[key]; ok && time.Since(a.at) < graphCacheTTL {
		c.mu.Unlock()
		return a.value.(T), nil
	}
	c.mu.Unlock()
	v, err, _ := c.flight.Do(key, func() (any, error) {
		v, err := fetch(ctx)
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.answers == nil {
			c.answers = map[string]cachedAnswer{}
		}
		for k, a := range c.answers { // drop stale answers, so a long session does not pile them up
			if time.Since(a.at) >= graphCacheTTL {
				delete(c.answers, k)
			}
		}
		c.answers[key] = cachedAnswer{value: v, at: time.Now()}
		return v, nil
	})
	return v.(T), err
}
