package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"
)

type motoTarget struct {
	cl *emr.Client
}

func newMotoTarget(endpoint string, hc *http.Client) (*motoTarget, error) {
	cl := emr.New(emr.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      awscreds.NewStaticCredentialsProvider("testing", "testing", ""),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
	})
	return &motoTarget{cl: cl}, nil
}

func (m *motoTarget) list() caller {
	return func(ctx context.Context) error {
		_, err := m.cl.ListClusters(ctx, &emr.ListClustersInput{})
		return err
	}
}

func (m *motoTarget) get(id string) caller {
	return func(ctx context.Context) error {
		_, err := m.cl.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: aws.String(id)})
		return err
	}
}

func (m *motoTarget) firstCluster(ctx context.Context) (string, error) {
	out, err := m.cl.ListClusters(ctx, &emr.ListClustersInput{})
	if err != nil {
		return "", err
	}
	if len(out.Clusters) == 0 {
		return "", fmt.Errorf("moto has no cluster; run load seed first")
	}
	return aws.ToString(out.Clusters[0].Id), nil
}

// seed creates n clusters with RunJobFlow: one master and two core
// nodes, kept alive (WAITING), as the dev cluster of the emulator side.
func (m *motoTarget) seed(ctx context.Context, from, n int) error {
	for i := from; i < from+n; i++ {
		if err := m.seedOne(ctx, fmt.Sprintf("bench-%05d", i)); err != nil {
			return fmt.Errorf("seed cluster %d: %w", i, err)
		}
	}
	return nil
}

// seedOne creates one cluster. moto sometimes drops the connection as it
// answers; then the cluster is looked up by name before another try, so
// none is created twice.
func (m *motoTarget) seedOne(ctx context.Context, name string) error {
	var err error
	for range 3 {
		if err = m.runJobFlow(ctx, name); err == nil {
			return nil
		}
		if found, lerr := m.exists(ctx, name); lerr == nil && found {
			return nil
		}
	}
	return err
}

func (m *motoTarget) exists(ctx context.Context, name string) (bool, error) {
	p := emr.NewListClustersPaginator(m.cl, &emr.ListClustersInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		for _, c := range out.Clusters {
			if aws.ToString(c.Name) == name {
				return true, nil
			}
		}
	}
	return false, nil
}

func (m *motoTarget) runJobFlow(ctx context.Context, name string) error {
	_, err := m.cl.RunJobFlow(ctx, &emr.RunJobFlowInput{
		Name:         aws.String(name),
		ReleaseLabel: aws.String("emr-7.0.0"),
		Applications: []types.Application{{Name: aws.String("Spark")}, {Name: aws.String("Hadoop")}},
		Instances: &types.JobFlowInstancesConfig{
			MasterInstanceType:          aws.String("m5.xlarge"),
			SlaveInstanceType:           aws.String("m5.xlarge"),
			InstanceCount:               aws.Int32(3),
			KeepJobFlowAliveWhenNoSteps: aws.Bool(true),
		},
		JobFlowRole: aws.String("EMR_EC2_DefaultRole"),
		ServiceRole: aws.String("EMR_DefaultRole"),
	})
	return err
}
