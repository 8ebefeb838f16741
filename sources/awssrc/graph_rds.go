package awssrc

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"watchtrail/sources"
)

// expandDB: an RDS instance's parameter and option groups, security
// groups, subnet group and cluster.
func expandDB(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	db, ok := describeOne(ctx, s, &x, r, "rds:DescribeDBInstances", func(ctx context.Context) (*rds.DescribeDBInstancesOutput, error) {
		return s.graph.rds.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.ID)})
	}, func(o *rds.DescribeDBInstancesOutput) []rdstypes.DBInstance { return o.DBInstances })
	if !ok {
		return x
	}
	x.self = resource(r.Kind, r.ID, aws.ToString(db.DBInstanceArn), aws.ToString(db.DbiResourceId))
	for _, p := range db.DBParameterGroups {
		x.add(resource(kindDBParams, aws.ToString(p.DBParameterGroupName), ""))
	}
	for _, o := range db.OptionGroupMemberships {
		x.add(resource(kindOptionGroup, aws.ToString(o.OptionGroupName), ""))
	}
	x.add(vpcSecurityGroups(db.VpcSecurityGroups)...)
	if g := db.DBSubnetGroup; g != nil && aws.ToString(g.DBSubnetGroupName) != "" {
		x.add(resource(kindDBSubnets, aws.ToString(g.DBSubnetGroupName), aws.ToString(g.DBSubnetGroupArn)))
	}
	if c := aws.ToString(db.DBClusterIdentifier); c != "" {
		x.add(resource(kindDBCluster, c, ""))
	}
	return x
}

func vpcSecurityGroups(groups []rdstypes.VpcSecurityGroupMembership) []sources.Resource {
	var out []sources.Resource
	for _, g := range groups {
		out = append(out, resource(kindSG, aws.ToString(g.VpcSecurityGroupId), ""))
	}
	return out
}

// expandDBCluster: an Aurora cluster's parameter group, security groups,
// subnet group and member instances.
func expandDBCluster(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	c, ok := describeOne(ctx, s, &x, r, "rds:DescribeDBClusters", func(ctx context.Context) (*rds.DescribeDBClustersOutput, error) {
		return s.graph.rds.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(r.ID)})
	}, func(o *rds.DescribeDBClustersOutput) []rdstypes.DBCluster { return o.DBClusters })
	if !ok {
		return x
	}
	x.self = resource(r.Kind, r.ID, aws.ToString(c.DBClusterArn), aws.ToString(c.DbClusterResourceId))
	if p := aws.ToString(c.DBClusterParameterGroup); p != "" {
		x.add(resource(kindDBParams, p, ""))
	}
	x.add(vpcSecurityGroups(c.VpcSecurityGroups)...)
	if g := aws.ToString(c.DBSubnetGroup); g != "" {
		x.add(resource(kindDBSubnets, g, ""))
	}
	for _, m := range c.DBClusterMembers {
		x.add(resource(kindDB, aws.ToString(m.DBInstanceIdentifier), ""))
	}
	return x
}
