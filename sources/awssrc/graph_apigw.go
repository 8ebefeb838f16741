package awssrc

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"watchtrail/sources"
)

// expandAPI finds the REST API an alarm names by its name (the ApiName
// dimension): its ID, which API Gateway's own calls name it by
// (CreateDeployment, UpdateStage), its ARN, and the Lambda functions its
// methods' integrations call.
func expandAPI(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	apis, err := cached(ctx, &s.graph.cache, "apigateway:GetRestApis", func(ctx context.Context) ([]apigwtypes.RestApi, error) {
		pages := apigateway.NewGetRestApisPaginator(s.graph.apigw, &apigateway.GetRestApisInput{})
		return allPages(ctx, pages.HasMorePages, pages.NextPage, func(o *apigateway.GetRestApisOutput) []apigwtypes.RestApi { return o.Items })
	})
	if x.fail(err) {
		return x
	}
	id := ""
	for _, api := range apis {
		if aws.ToString(api.Name) == r.ID || aws.ToString(api.Id) == r.ID {
			id = aws.ToString(api.Id)
			break
		}
	}
	if id == "" {
		return x
	}
	x.self = resource(kindAPI, r.ID, "arn:aws:apigateway:"+s.cfg.Region+"::/restapis/"+id, id)
	resources, err := cached(ctx, &s.graph.cache, "apigateway:GetResources "+id, func(ctx context.Context) ([]apigwtypes.Resource, error) {
		pages := apigateway.NewGetResourcesPaginator(s.graph.apigw, &apigateway.GetResourcesInput{RestApiId: aws.String(id), Embed: []string{"methods"}})
		return allPages(ctx, pages.HasMorePages, pages.NextPage, func(o *apigateway.GetResourcesOutput) []apigwtypes.Resource { return o.Items })
	})
	if x.fail(err) {
		return x
	}
	for _, res := range resources {
		for _, m := range res.ResourceMethods {
			if fn := integratedFunction(m.MethodIntegration); fn != "" {
				x.add(fromARN(kindFunction, fn))
			}
		}
	}
	return x
}

// allPages reads every page of an SDK paginator and returns their items.
func allPages[O, T any](ctx context.Context, more func() bool, next func(context.Context, ...func(*apigateway.Options)) (O, error), items func(O) []T) ([]T, error) {
	var all []T
	for more() {
		page, err := next(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, items(page)...)
	}
	return all, nil
}

// integratedFunction is the Lambda function a method's integration calls:
// its URI is "arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations".
func integratedFunction(in *apigwtypes.Integration) string {
	if in == nil {
		return ""
	}
	_, after, ok := strings.Cut(aws.ToString(in.Uri), "/functions/")
	if !ok {
		return ""
	}
	fn, _, _ := strings.Cut(after, "/invocations")
	if !strings.HasPrefix(fn, "arn:") {
		return ""
	}
	return fn
}
